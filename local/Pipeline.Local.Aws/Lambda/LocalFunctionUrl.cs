using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Local.Aws.DynamoDB;

namespace Pipeline.Local.Aws.Lambda;

/// <summary>
/// A Lambda function URL on one machine: every HTTP request on its port becomes a payload format 2.0
/// event for the function (header names in lower case, a text body as is, any other body in base64),
/// and the function's <c>{statusCode, headers, body}</c> becomes the HTTP answer, as AWS does it.
/// </summary>
internal sealed class LocalFunctionUrl : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalFunctionUrl(WebApplication app) => _app = app;

    public Uri Url => new(_app.Urls.First() + "/");

    public static async Task<LocalFunctionUrl> StartAsync(LocalLambdaService lambda, string function, int port, CancellationToken cancellationToken)
    {
        var builder = EmbeddedServerLifetime.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.Run(http => ServeAsync(http, lambda, function));
        await app.StartAsync(cancellationToken);
        return new LocalFunctionUrl(app);
    }

    private static async Task ServeAsync(HttpContext http, LocalLambdaService lambda, string function)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        // Function URLs refuse a request bigger than an invocation's payload with 413 before the function runs.
        if (buffer.Length > LocalLambdaService.MaxRequestBytes)
        {
            http.Response.StatusCode = 413;
            return;
        }

        var result = await lambda.InvokeAsync(function, JsonSerializer.SerializeToUtf8Bytes(Event(http, buffer.ToArray())), http.RequestAborted);
        var answer = result.IsError ? null : JsonNode.Parse(result.Payload) as JsonObject;
        if (answer?["statusCode"] is not JsonValue code)
        {
            // What a function URL answers when the function fails or answers no status.
            http.Response.StatusCode = 502;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync("""{"Message":"Internal Server Error"}""", http.RequestAborted);
            return;
        }

        http.Response.StatusCode = code.GetValue<int>();
        foreach (var (name, value) in answer["headers"] as JsonObject ?? [])
        {
            http.Response.Headers[name] = value?.ToString();
        }

        var body = answer["body"]?.GetValue<string>() ?? "";
        await http.Response.Body.WriteAsync(answer["isBase64Encoded"]?.GetValue<bool>() == true
            ? Convert.FromBase64String(body) : Encoding.UTF8.GetBytes(body), http.RequestAborted);
    }

    private static JsonObject Event(HttpContext http, byte[] body)
    {
        var headers = new JsonObject();
        foreach (var (name, values) in http.Request.Headers)
        {
            headers[name.ToLowerInvariant()] = string.Join(',', values.ToArray());
        }

        var text = IsText(http.Request.ContentType) && IsUtf8(body);
        return new JsonObject
        {
            ["version"] = "2.0",
            ["routeKey"] = "$default",
            ["rawPath"] = http.Request.Path.Value ?? "/",
            ["rawQueryString"] = http.Request.QueryString.Value?.TrimStart('?') ?? "",
            ["headers"] = headers,
            ["requestContext"] = new JsonObject
            {
                ["requestId"] = Guid.NewGuid().ToString(),
                ["http"] = new JsonObject
                {
                    ["method"] = http.Request.Method,
                    ["path"] = http.Request.Path.Value ?? "/",
                    ["protocol"] = http.Request.Protocol,
                    ["sourceIp"] = http.Connection.RemoteIpAddress?.ToString(),
                    ["userAgent"] = http.Request.Headers.UserAgent.ToString(),
                },
            },
            ["body"] = body.Length == 0 ? null : text ? Encoding.UTF8.GetString(body) : Convert.ToBase64String(body),
            ["isBase64Encoded"] = body.Length > 0 && !text,
        };
    }

    private static bool IsText(string? contentType) =>
        contentType is { } type && (type.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || type.StartsWith("application/xml", StringComparison.OrdinalIgnoreCase)
            || type.StartsWith("application/javascript", StringComparison.OrdinalIgnoreCase));

    private static bool IsUtf8(byte[] body)
    {
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
