using System.Diagnostics;
using System.Text.Json;
using Pipeline.Tests.Shared;

namespace Pipeline.Lambda.Tests;

public sealed class LambdaRuntimeTests : IAsyncLifetime, IDisposable
{
    private FakeRuntimeApi api = null!;
    private readonly CancellationTokenSource stop = new();
    private Task<int> loop = Task.FromResult(0);

    public async Task InitializeAsync() => api = await FakeRuntimeApi.StartAsync();

    public async Task DisposeAsync()
    {
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));
        await api.DisposeAsync();
    }

    public void Dispose() => stop.Dispose();

    private void StartLoop() => loop = LambdaRuntime.RunAsync(
        api.Address,
        () => Task.FromResult<IFunctionHandler<Order, Receipt>>(new OrderHandler()),
        TestJson.Default.Order,
        TestJson.Default.Receipt,
        stop.Token);

    private static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement;

    [Fact]
    public async Task RunAsync_WhenHandlerSucceeds_ShouldPostResponseWithContextAndTraceId()
    {
        StartLoop();
        api.Enqueue("req-1", """{"item":"apple","quantity":3}""", traceId: "Root=1-5759e988-bd862e3fe1be46a994272793");

        var answer = await api.NextAnswerAsync();

        Assert.Equal(("req-1", "response"), (answer.RequestId, answer.Kind));
        var body = Json(answer.Body);
        Assert.Equal("apple", body.GetProperty("item").GetString());
        Assert.Equal(3, body.GetProperty("quantity").GetInt32());
        Assert.Equal("req-1", body.GetProperty("requestId").GetString());
        Assert.Equal("Root=1-5759e988-bd862e3fe1be46a994272793", body.GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task RunAsync_WhenHandlerThrowsPipelineException_ShouldPostErrorNamedAfterIt()
    {
        StartLoop();
        api.Enqueue("req-1", """{"item":"out-of-stock","quantity":1}""");

        var answer = await api.NextAnswerAsync();

        Assert.Equal("error", answer.Kind);
        Assert.Equal("Pipeline.OutOfStock", answer.ErrorTypeHeader);
        var body = Json(answer.Body);
        Assert.Equal("Pipeline.OutOfStock", body.GetProperty("errorType").GetString());
        Assert.Equal("out-of-stock is out of stock", body.GetProperty("errorMessage").GetString());
        Assert.Equal(JsonValueKind.Array, body.GetProperty("stackTrace").ValueKind);
    }

    [Fact]
    public async Task RunAsync_WhenHandlerThrowsOtherException_ShouldReportTypeNameAndKeepServing()
    {
        StartLoop();
        api.Enqueue("req-1", """{"item":"crash","quantity":1}""");
        api.Enqueue("req-2", """{"item":"pear","quantity":2}""");

        var first = await api.NextAnswerAsync();
        var second = await api.NextAnswerAsync();

        Assert.Equal(("req-1", "error"), (first.RequestId, first.Kind));
        Assert.Equal("InvalidOperationException", Json(first.Body).GetProperty("errorType").GetString());
        Assert.Equal("the warehouse is on fire", Json(first.Body).GetProperty("errorMessage").GetString());
        Assert.Equal(("req-2", "response"), (second.RequestId, second.Kind));
    }

    [Theory]
    [InlineData("""{"item":"apple","quantity":"three"}""", "$.quantity")]
    [InlineData("""{"quantity":3}""", "item")]
    [InlineData("""{"item":"apple","quantity":0}""", "quantity must be positive")]
    [InlineData("""not json""", "invalid input")]
    [InlineData("""null""", "not null")]
    public async Task RunAsync_WhenInputIsInvalid_ShouldPostInvalidInputNamingTheField(string payload, string expected)
    {
        StartLoop();
        api.Enqueue("req-1", payload);
        api.Enqueue("req-2", """{"item":"pear","quantity":2}""");

        var first = await api.NextAnswerAsync();
        var second = await api.NextAnswerAsync();

        Assert.Equal("error", first.Kind);
        var body = Json(first.Body);
        Assert.Equal("Pipeline.InvalidInput", body.GetProperty("errorType").GetString());
        Assert.Contains(expected, body.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal(("req-2", "response"), (second.RequestId, second.Kind));
    }

    [Fact]
    public async Task RunAsync_WhenInitFails_ShouldPostInitErrorAndExitNonZero()
    {
        var exit = await LambdaRuntime.RunAsync<Order, Receipt>(
            api.Address,
            () => throw new InvalidOperationException("no table name configured"),
            TestJson.Default.Order,
            TestJson.Default.Receipt,
            stop.Token).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.NotEqual(0, exit);
        var error = Assert.Single(api.InitErrors);
        Assert.Equal("InvalidOperationException", error.ErrorTypeHeader);
        Assert.Equal("no table name configured", Json(error.Body).GetProperty("errorMessage").GetString());
        Assert.Empty(api.AnswerCounts);
    }

    [Fact]
    public async Task RunAsync_WhenDeadlineApproaches_ShouldCancelTheHandlerNoSoonerThanTheMarginBeforeIt()
    {
        // The exact instant is InvokerDeadlineTests' (on a clock the test moves); on the real clock a
        // loaded machine can run the cancellation late, never early.
        StartLoop();
        api.Enqueue("req-1", """{"item":"patient","quantity":1}""", timeout: TimeSpan.FromSeconds(3));

        var answer = await api.NextAnswerAsync();

        Assert.Equal("response", answer.Kind);
        var leftMs = Json(answer.Body).GetProperty("quantity").GetInt32();
        Assert.True(leftMs <= (int)Invoker<Order, Receipt>.CancellationMargin.TotalMilliseconds + 100, $"cancelled {leftMs} ms before the deadline");
    }

    [Fact]
    public async Task RunAsync_WhenHandlerIsCancelledByDeadline_ShouldReportTheCancellation()
    {
        StartLoop();
        var clock = Stopwatch.StartNew();
        api.Enqueue("req-1", """{"item":"slow","quantity":1}""", timeout: TimeSpan.FromSeconds(2));

        var answer = await api.NextAnswerAsync();

        Assert.Equal("error", answer.Kind);
        Assert.Equal("TaskCanceledException", Json(answer.Body).GetProperty("errorType").GetString());
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"cancelled after {clock.Elapsed}, long before the deadline");
    }

    [Fact]
    public async Task RunAsync_WhenServingManyInvocations_ShouldAnswerEachRequestIdExactlyOnce()
    {
        StartLoop();
        var payloads = new[] { """{"item":"a","quantity":1}""", """{"item":"crash","quantity":1}""", """{"item":"b","quantity":0}""", """{"item":"out-of-stock","quantity":1}""", "{}" };
        for (var i = 0; i < 20; i++)
        {
            api.Enqueue($"req-{i}", payloads[i % payloads.Length]);
        }

        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add((await api.NextAnswerAsync()).RequestId);
        }

        await Task.Delay(200);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"req-{i}"), ids);
        Assert.All(api.AnswerCounts.Values, count => Assert.Equal(1, count));
        Assert.Equal(20, api.AnswerCounts.Count);
    }

    [Fact]
    public async Task RunAsync_WhenStopped_ShouldLeaveTheLongPollAndExitZero()
    {
        StartLoop();
        await Task.Delay(200);

        await stop.CancelAsync();

        Assert.Equal(0, await loop.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task RunAsync_WhenRuntimeApiIsUnreachable_ShouldExitNonZero()
    {
        var address = api.Address;
        await api.DisposeAsync();
        api = await FakeRuntimeApi.StartAsync();

        var exit = await LambdaRuntime.RunAsync(
            address,
            () => Task.FromResult<IFunctionHandler<Order, Receipt>>(new OrderHandler()),
            TestJson.Default.Order,
            TestJson.Default.Receipt,
            stop.Token).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(1, exit);
    }
}
