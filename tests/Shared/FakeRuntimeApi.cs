using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Pipeline.Tests.Shared;

/// <summary>
/// A Runtime API server on 127.0.0.1 that hands out queued invocations and records every answer,
/// including any second answer for the same request id (which the real service would refuse).
/// </summary>
internal sealed class FakeRuntimeApi : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Channel<Queued> queue = Channel.CreateUnbounded<Queued>();
    private readonly Channel<Answer> answers = Channel.CreateUnbounded<Answer>();
    private readonly ConcurrentDictionary<string, int> answerCounts = new();

    private FakeRuntimeApi(WebApplication app) => this.app = app;

    public string Address { get; private set; } = "";

    public ConcurrentQueue<Answer> InitErrors { get; } = new();

    public IReadOnlyDictionary<string, int> AnswerCounts => answerCounts;

    public static async Task<FakeRuntimeApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var api = new FakeRuntimeApi(builder.Build());
        api.Map();
        await api.app.StartAsync();
        api.Address = new Uri(api.app.Urls.First()).Authority;
        return api;
    }

    public void Enqueue(string requestId, string payload, TimeSpan? timeout = null, string? traceId = null) =>
        queue.Writer.TryWrite(new Queued(requestId, payload, DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(30)), traceId));

    public async Task<Answer> NextAnswerAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await answers.Reader.ReadAsync(timeout.Token);
    }

    private void Map()
    {
        app.MapGet("/2018-06-01/runtime/invocation/next", async (HttpContext http) =>
        {
            var next = await queue.Reader.ReadAsync(http.RequestAborted);
            var headers = http.Response.Headers;
            headers["Lambda-Runtime-Aws-Request-Id"] = next.RequestId;
            headers["Lambda-Runtime-Deadline-Ms"] = next.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:us-east-1:123456789012:function:Test";
            if (next.TraceId is not null)
            {
                headers["Lambda-Runtime-Trace-Id"] = next.TraceId;
            }

            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(next.Payload);
        });
        app.MapPost("/2018-06-01/runtime/invocation/{id}/{kind}", async (HttpContext http, string id, string kind) =>
        {
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            var count = answerCounts.AddOrUpdate(id, 1, (_, n) => n + 1);
            answers.Writer.TryWrite(new Answer(id, kind, body, http.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString()));
            return count == 1 ? Results.Accepted() : Results.BadRequest();
        });
        app.MapPost("/2018-06-01/runtime/init/error", async (HttpContext http) =>
        {
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            InitErrors.Enqueue(new Answer("", "init/error", body, http.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString()));
            return Results.Accepted();
        });
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private sealed record Queued(string RequestId, string Payload, DateTimeOffset Deadline, string? TraceId);
}

/// <summary>One POST a function made: kind is response, error or init/error.</summary>
internal sealed record Answer(string RequestId, string Kind, string Body, string ErrorTypeHeader);
