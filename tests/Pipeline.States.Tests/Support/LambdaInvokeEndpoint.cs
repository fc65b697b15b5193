using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Pipeline.States.Tests.Support;

/// <summary>
/// A real HTTP server on a free loopback port speaking the Lambda Invoke API
/// (POST /2015-03-31/functions/{name}/invocations): only the functions behind it are scripted.
/// </summary>
internal sealed class LambdaInvokeEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<JsonNode?, IResult>> _functions = new();

    public ConcurrentQueue<(string Function, string? Qualifier, string Body, string? InvocationType)> Requests { get; } = new();

    private LambdaInvokeEndpoint(WebApplication app) => _app = app;

    public Uri BaseAddress => new(_app.Urls.First() + "/");

    public static async Task<LambdaInvokeEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var endpoint = new LambdaInvokeEndpoint(app);
        app.MapPost("/2015-03-31/functions/{name}/invocations", async (string name, HttpContext http) =>
        {
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            endpoint.Requests.Enqueue((name, http.Request.Query["Qualifier"].FirstOrDefault(), body, http.Request.Headers["X-Amz-Invocation-Type"].FirstOrDefault()));
            if (!endpoint._functions.TryGetValue(name, out var function))
            {
                http.Response.Headers["X-Amzn-ErrorType"] = "ResourceNotFoundException";
                return Results.Json(new { Type = "User", Message = $"Function not found: {name}" }, statusCode: 404);
            }
            return function(JsonNode.Parse(body));
        });
        await app.StartAsync();
        return endpoint;
    }

    public void Function(string name, Func<JsonNode?, IResult> handler) => _functions[name] = handler;

    /// <summary>What the Lambda service returns when a function throws: 200, X-Amz-Function-Error, an error document.</summary>
    public static IResult FunctionError(string errorType, string message) => new FunctionErrorResult(errorType, message);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class FunctionErrorResult(string errorType, string message) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers["X-Amz-Function-Error"] = "Unhandled";
            httpContext.Response.ContentType = "application/json";
            var body = new JsonObject { ["errorMessage"] = message, ["errorType"] = errorType, ["stackTrace"] = new JsonArray() };
            return httpContext.Response.WriteAsync(body.ToJsonString());
        }
    }
}
