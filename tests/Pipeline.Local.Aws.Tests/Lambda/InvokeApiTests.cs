namespace Pipeline.Local.Aws.Tests.Lambda;

/// <summary>The Lambda Invoke API over HTTP, serving the real published NormalizeTrigger.</summary>
public sealed class InvokeApiTests : IAsyncLifetime, IDisposable
{
    private const string Function = "NormalizeTriggerFunction";
    private LocalLambdaService service = null!;
    private readonly HttpClient http = new();

    public async Task InitializeAsync()
    {
        service = new LocalLambdaService([await FunctionBinaries.PublishedAsync(Function)]);
        await service.StartAsync();
        http.BaseAddress = service.Endpoint;
    }

    public async Task DisposeAsync() => await service.DisposeAsync();

    public void Dispose() => http.Dispose();

    private Task<HttpResponseMessage> PostAsync(string name, string body, string? invocationType = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/2015-03-31/functions/{Uri.EscapeDataString(name)}/invocations")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (invocationType is not null)
        {
            request.Headers.Add("X-Amz-Invocation-Type", invocationType);
        }

        return http.SendAsync(request);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task Invoke_WhenFunctionAnswers_ShouldReturn200WithItsResponse()
    {
        using var response = await PostAsync(Function, """{"service":"orders","version":"1.4.7-0d1a26e"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Amz-Function-Error"));
        var body = await JsonAsync(response);
        Assert.Equal("redeploy", body.GetProperty("action").GetString());
        Assert.Equal("1.4.7-0d1a26e", body.GetProperty("version").GetString());
    }

    [Fact]
    public async Task Invoke_WhenFunctionFails_ShouldReturn200WithUnhandledFunctionErrorHeader()
    {
        using var response = await PostAsync(service.ArnOf(Function), """{"service":"orders"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        var body = await JsonAsync(response);
        Assert.Equal("Pipeline.InvalidInput", body.GetProperty("errorType").GetString());
        Assert.Contains("commit (to build) or version (to redeploy) is required", body.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_WhenFunctionIsUnknown_ShouldReturn404ResourceNotFound()
    {
        using var response = await PostAsync("NoSuchFunction", "{}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("ResourceNotFoundException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Contains("function:NoSuchFunction", (await JsonAsync(response)).GetProperty("Message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_WhenInvocationTypeIsEvent_ShouldAccept202WithoutWaiting()
    {
        using var response = await PostAsync(Function, """{"service":"orders","version":"1.0.0"}""", "Event");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Invoke_WhenManyCallersInvokeConcurrently_ShouldAnswerEachWithItsOwnResult()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            using var response = await PostAsync(Function, $$"""{"service":"svc-{{i}}","version":"1.0.{{i}}"}""");
            return await JsonAsync(response);
        }));

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"svc-{i}"), responses.Select(r => r.GetProperty("service").GetString()));
    }
}
