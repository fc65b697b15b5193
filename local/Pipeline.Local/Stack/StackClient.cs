using System.Net.Http.Headers;

namespace Pipeline.Local.Stack;

/// <summary>Talks to a running stack through the endpoints its stack.json names.</summary>
internal sealed class StackClient : IDisposable
{
    private readonly HttpClient _http;

    private StackClient(StackLayout layout, JsonObject stack)
    {
        Layout = layout;
        Stack = stack;
        _http = new HttpClient { BaseAddress = new Uri(Endpoint("stepfunctions")), Timeout = TimeSpan.FromSeconds(30) };
    }

    public StackLayout Layout { get; }

    public JsonObject Stack { get; }

    public static StackClient Connect(string stateDirectory)
    {
        var layout = new StackLayout(stateDirectory);
        var stack = StackFile.Read(layout);
        if (stack is null || !StackFile.IsAlive(stack["pid"]?.GetValue<int>() ?? 0))
        {
            throw new StackFailureException($"no stack runs on {layout.Root}: start one with `./pipeline up`");
        }

        return new StackClient(layout, stack);
    }

    public string Endpoint(string name) =>
        Stack["endpoints"]?[name]?.GetValue<string>().TrimEnd('/') ?? throw new StackFailureException($"stack.json names no {name} endpoint");

    /// <summary>One Step Functions API call (AWS JSON 1.0).</summary>
    public async Task<JsonObject> CallAsync(string operation, JsonObject request, CancellationToken cancellationToken)
    {
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.0");
        using var message = new HttpRequestMessage(HttpMethod.Post, "/") { Content = content };
        message.Headers.Add("X-Amz-Target", "AWSStepFunctions." + operation);
        using var response = await _http.SendAsync(message, cancellationToken);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) as JsonObject ?? [];
        return response.IsSuccessStatusCode ? body
            : throw new StackFailureException($"{operation}: {body["__type"]}: {body["message"]}");
    }

    public async Task<JsonObject> StatusAsync(CancellationToken cancellationToken) =>
        JsonNode.Parse(await _http.GetStringAsync("/stack", cancellationToken)) as JsonObject ?? [];

    public async Task RequestStopAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync("/stack/stop", null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Asks the stack to replace a router (the oldest when <paramref name="node"/> is null); returns
    /// once the new one is in the front. Draining alone may take the deregistration delay.
    /// </summary>
    public async Task<(string Replaced, string By)> ReplaceRouterAsync(string? node, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = _http.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        var path = StackHost.ReplaceRouterPath + (node is null ? "" : "?node=" + Uri.EscapeDataString(node));
        using var response = await http.PostAsync(path, null, cancellationToken);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) as JsonObject ?? [];
        return response.IsSuccessStatusCode
            ? (body["replaced"]!.GetValue<string>(), body["by"]!.GetValue<string>())
            : throw new StackFailureException(body["message"]?.GetValue<string>() ?? $"HTTP {(int)response.StatusCode}");
    }

    public void Dispose() => _http.Dispose();
}
