using System.Globalization;
using System.Net.Http.Headers;

namespace Pipeline.Lambda;

/// <summary>The four calls of the Lambda Runtime API (version 2018-06-01).</summary>
internal sealed class RuntimeApiClient : IDisposable
{
    private const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";
    private readonly HttpClient http;

    public RuntimeApiClient(string runtimeApi)
    {
        // /next is a long poll that may wait for hours between invocations.
        http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri($"http://{runtimeApi}/2018-06-01/runtime/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task<Invocation> NextAsync(CancellationToken cancel)
    {
        using var response = await http.GetAsync(new Uri("invocation/next", UriKind.Relative), cancel).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var headers = response.Headers;
        var requestId = Single(headers, "Lambda-Runtime-Aws-Request-Id")
            ?? throw new HttpRequestException("/invocation/next answered without Lambda-Runtime-Aws-Request-Id");
        var deadlineMs = Single(headers, "Lambda-Runtime-Deadline-Ms");
        var deadline = long.TryParse(deadlineMs, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : DateTimeOffset.UtcNow.AddMinutes(15);
        var payload = await response.Content.ReadAsByteArrayAsync(cancel).ConfigureAwait(false);
        return new Invocation(
            requestId,
            deadline,
            Single(headers, "Lambda-Runtime-Invoked-Function-Arn") ?? "",
            Single(headers, "Lambda-Runtime-Trace-Id"),
            payload);
    }

    public Task PostResponseAsync(string requestId, byte[] body, CancellationToken cancel) =>
        PostAsync($"invocation/{Uri.EscapeDataString(requestId)}/response", body, null, cancel);

    public Task PostErrorAsync(string requestId, ErrorDocument error, CancellationToken cancel) =>
        PostAsync($"invocation/{Uri.EscapeDataString(requestId)}/error", error.ToJson(), error.ErrorType, cancel);

    public async Task TryPostInitErrorAsync(ErrorDocument error, CancellationToken cancel)
    {
        try
        {
            await PostAsync("init/error", error.ToJson(), error.ErrorType, cancel).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            Console.Error.WriteLine($"could not report the init error: {ex.Message}");
        }
    }

    private async Task PostAsync(string path, byte[] body, string? errorType, CancellationToken cancel)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
        if (errorType is not null)
        {
            request.Headers.TryAddWithoutValidation(ErrorTypeHeader, errorType);
        }

        using var response = await http.SendAsync(request, cancel).ConfigureAwait(false);
        if (!HttpStatus.IsSuccess(response.StatusCode))
        {
            // The Runtime API refuses e.g. a second answer or an oversized response; the loop goes on.
            var detail = await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false);
            Console.Error.WriteLine($"Runtime API refused POST {path}: {(int)response.StatusCode} {detail}");
        }
    }

    private static string? Single(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    public void Dispose() => http.Dispose();
}
