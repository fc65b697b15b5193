using System.Diagnostics;

namespace Pipeline.Local.Aws.Tests.Lambda;

/// <summary>The service against a real function process that misbehaves on request.</summary>
public sealed class LocalLambdaServiceTests : IAsyncLifetime
{
    private const string Name = "TestFunction";
    private readonly List<string> log = [];
    private LocalLambdaService service = null!;

    public Task InitializeAsync()
    {
        service = Create(Definition());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await service.DisposeAsync();

    private static FunctionDefinition Definition(TimeSpan? timeout = null, int instances = 1, Dictionary<string, string>? environment = null) =>
        new(Name, FunctionBinaries.Fixture("Pipeline.TestFunction"),
            environment ?? new Dictionary<string, string> { ["TEST_VARIABLE"] = "from the template" },
            timeout ?? TimeSpan.FromSeconds(30), 256, instances);

    private LocalLambdaService Create(FunctionDefinition definition) =>
        new([definition], new LocalLambdaOptions { Log = (_, line) => { lock (log) { log.Add(line); } } });

    private async Task<LocalLambdaService> ReplaceAsync(FunctionDefinition definition)
    {
        await service.DisposeAsync();
        return service = Create(definition);
    }

    private Task<InvokeResult> Invoke(string json) => service.InvokeAsync(Name, Encoding.UTF8.GetBytes(json));

    private static JsonElement Body(InvokeResult result) => JsonDocument.Parse(result.Payload).RootElement;

    [Fact]
    public async Task InvokeAsync_WhenFunctionSucceeds_ShouldReturnResponseFromProcessWithItsEnvironment()
    {
        var result = await Invoke("""{"act":"ok","text":"hello"}""");

        Assert.False(result.IsError, Encoding.UTF8.GetString(result.Payload));
        var body = Body(result);
        Assert.Equal("hello", body.GetProperty("text").GetString());
        Assert.Equal("from the template", body.GetProperty("variable").GetString());
        Assert.Equal(result.RequestId, body.GetProperty("requestId").GetString());
        Assert.Equal(service.ProcessIds(Name).Single(), body.GetProperty("processId").GetInt32());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task InvokeAsync_WhenCallersEnvironmentIsInheritedOrNot_ShouldPassItThroughOrGiveOnlyLambdasAndTheDefinitions(bool inherit)
    {
        var leak = "PIPELINE_TEST_LEAK_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(leak, "from the caller");
        try
        {
            await using var lambda = new LocalLambdaService([Definition()], new LocalLambdaOptions
            {
                InheritEnvironment = inherit,
                Credentials = new LambdaCredentials("AKIDLOCALROLE", "local-secret"),
            });
            async Task<string?> Variable(string name) => Body(await lambda.InvokeAsync(
                Name, Encoding.UTF8.GetBytes($$"""{"act":"ok","variable":"{{name}}"}"""))).GetProperty("variable").GetString();

            Assert.Equal(inherit ? "from the caller" : null, await Variable(leak));
            Assert.Equal("from the template", await Variable("TEST_VARIABLE"));
            Assert.Equal("AKIDLOCALROLE", await Variable("AWS_ACCESS_KEY_ID"));
            Assert.Equal("Pipeline.TestFunction", await Variable("_HANDLER"));
            Assert.NotNull(await Variable("PATH"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(leak, null);
        }
    }

    [Fact]
    public async Task InvokeAsync_WhenCalledRepeatedly_ShouldReuseTheWarmProcess()
    {
        var pids = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            pids.Add(Body(await Invoke("""{"act":"ok"}""")).GetProperty("processId").GetInt32());
        }

        Assert.Single(pids.Distinct());
    }

    [Fact]
    public async Task InvokeAsync_WhenFunctionThrows_ShouldReturnUnhandledErrorAndKeepServing()
    {
        var failed = await Invoke("""{"act":"throw","text":"boom"}""");
        var next = await Invoke("""{"act":"ok"}""");

        Assert.Equal(InvokeResult.Unhandled, failed.FunctionError);
        Assert.Equal("InvalidOperationException", failed.ErrorType);
        Assert.Equal("boom", failed.ErrorMessage);
        Assert.False(next.IsError);
    }

    [Fact]
    public async Task InvokeAsync_WhenInputIsInvalid_ShouldReturnInvalidInputFromTheRuntime()
    {
        var result = await Invoke("""{"act":"ok","ms":"soon"}""");

        Assert.Equal("Pipeline.InvalidInput", result.ErrorType);
        Assert.Contains("$.ms", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_WhenProcessDiesInFlight_ShouldFailWithExitErrorAndStartAFreshProcess()
    {
        var first = Body(await Invoke("""{"act":"ok"}""")).GetProperty("processId").GetInt32();

        var died = await Invoke("""{"act":"exit","code":3}""");
        var after = await Invoke("""{"act":"ok"}""");

        Assert.Equal("Runtime.ExitError", died.ErrorType);
        Assert.Contains("exit status 3", died.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains(died.RequestId, died.ErrorMessage, StringComparison.Ordinal);
        Assert.False(after.IsError);
        Assert.NotEqual(first, Body(after).GetProperty("processId").GetInt32());
    }

    [Fact]
    public async Task InvokeAsync_WhenIdleProcessIsKilled_ShouldRestartItAndServe()
    {
        await service.WarmAsync(Name);
        var pid = service.ProcessIds(Name).Single();

        Process.GetProcessById(pid).Kill();
        var clock = Stopwatch.StartNew();
        while (service.ProcessIds(Name).SequenceEqual([pid]) && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }

        var result = await Invoke("""{"act":"ok"}""");
        Assert.False(result.IsError, Encoding.UTF8.GetString(result.Payload));
        Assert.NotEqual(pid, Body(result).GetProperty("processId").GetInt32());
    }

    [Fact]
    public async Task InvokeAsync_WhenInvocationOutlivesTimeout_ShouldFailWithSandboxTimedoutAndReplaceProcess()
    {
        await ReplaceAsync(Definition(timeout: TimeSpan.FromSeconds(1)));
        var first = Body(await Invoke("""{"act":"ok"}""")).GetProperty("processId").GetInt32();
        var clock = Stopwatch.StartNew();

        var result = await Invoke("""{"act":"sleep","ms":10000}""");

        Assert.Equal("Sandbox.Timedout", result.ErrorType);
        Assert.Contains("Task timed out after 1.00 seconds", result.ErrorMessage, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(6));
        var after = await Invoke("""{"act":"ok"}""");
        Assert.NotEqual(first, Body(after).GetProperty("processId").GetInt32());
    }

    [Fact]
    public async Task InvokeAsync_WhenInitFails_ShouldReturnTheInitErrorTheRuntimeReported()
    {
        await ReplaceAsync(Definition(environment: new() { ["TEST_FAIL_INIT"] = "the table name is not configured" }));

        var result = await Invoke("""{"act":"ok"}""").WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("InvalidOperationException", result.ErrorType);
        Assert.Equal("the table name is not configured", result.ErrorMessage);
    }

    [Fact]
    public async Task InvokeAsync_WhenSeveralInstancesAreWarm_ShouldServeInvocationsInParallel()
    {
        await ReplaceAsync(Definition(instances: 2));
        await service.WarmAsync(Name);

        var results = await Task.WhenAll(Invoke("""{"act":"sleep","ms":1500}"""), Invoke("""{"act":"sleep","ms":1500}"""));

        var bodies = results.Select(Body).ToArray();
        Assert.Equal(2, bodies.Select(b => b.GetProperty("processId").GetInt32()).Distinct().Count());
        // The two invocations overlapped in time: each started before the other ended.
        Assert.True(bodies.Max(b => b.GetProperty("startedMs").GetInt64()) < bodies.Min(b => b.GetProperty("endedMs").GetInt64()));
    }

    [Fact]
    public async Task InvokeAsync_WhenCalledByArn_ShouldFindTheFunction()
    {
        var result = await service.InvokeAsync(service.ArnOf(Name), Encoding.UTF8.GetBytes("""{"act":"ok"}"""));

        Assert.False(result.IsError);
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:TestFunction", service.ArnOf(Name));
    }

    [Fact]
    public async Task InvokeAsync_WhenFunctionIsUnknown_ShouldThrowResourceNotFound()
    {
        var error = await Assert.ThrowsAsync<FunctionNotFoundException>(() => service.InvokeAsync("Missing", "{}"u8.ToArray()));

        Assert.Equal("Function not found: arn:aws:lambda:us-east-1:123456789012:function:Missing", error.Message);
    }

    [Fact]
    public async Task InvokeAsync_WhenFunctionIsNotPublished_ShouldNameTheCommandThatPublishesIt()
    {
        await ReplaceAsync(Definition() with { Handler = Path.Combine(Path.GetTempPath(), "nowhere", "Missing.dll") });

        var result = await Invoke("{}");

        Assert.Equal("Runtime.InvalidEntrypoint", result.ErrorType);
        Assert.Contains("./build.sh package", result.ErrorMessage, StringComparison.Ordinal);
    }
}
