using System.Text.Json.Nodes;
using Pipeline.Core.Webhooks;
using Pipeline.Functions.GitHubWebhook;

namespace Pipeline.Functions.Tests;

/// <summary>The function URL seam: raw bytes in (text or base64), headers in any case, a JSON answer with a reason out.</summary>
public sealed class GitHubWebhookHandlerTests
{
    private static readonly byte[] Secret = "handler-test-secret"u8.ToArray();
    private static readonly InvocationContext Context = new("req-1", DateTimeOffset.UtcNow.AddMinutes(1),
        "arn:aws:lambda:us-east-1:123456789012:function:GitHubWebhook", null, CancellationToken.None);

    private readonly Starts starts = new();

    private GitHubWebhookHandler Handler() =>
        new(new GitHubWebhookReceiver(new WebhookSettings("acme", "main"), new FixedSecret(), starts));

    private static byte[] Push()
    {
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Events", "github-push-main.json")))!;
        return Encoding.UTF8.GetBytes(sample["detail"]!.ToJsonString());
    }

    private static FunctionUrlRequest Request(byte[] body, bool base64, string? signature = null) => new("2.0", "/",
        new Dictionary<string, string>
        {
            ["Content-Type"] = "application/json",
            ["X-GitHub-Event"] = "push",
            ["X-GitHub-Delivery"] = "72d3162e-cc78-11e3-81ab-4c9367dc0958",
            ["X-Hub-Signature-256"] = signature ?? GitHubSignature.Compute(Secret, body),
        },
        base64 ? Convert.ToBase64String(body) : Encoding.UTF8.GetString(body), base64,
        new FunctionUrlRequestContext("r", new FunctionUrlHttp("POST", "192.0.2.1")));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HandleAsync_WhenASignedPushArrivesAsTextOrBase64_ShouldAnswer202WithJsonReason(bool base64)
    {
        var response = await Handler().HandleAsync(Request(Push(), base64), Context);

        Assert.Equal(202, response.StatusCode);
        Assert.Equal("application/json", response.Headers["content-type"]);
        var body = JsonDocument.Parse(response.Body).RootElement;
        Assert.StartsWith("started: 0d1a26e", body.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Single(starts.Names);
    }

    [Fact]
    public async Task HandleAsync_WhenTheSignatureIsWrong_ShouldAnswer401WithJsonReasonAndStartNothing()
    {
        var response = await Handler().HandleAsync(Request(Push(), false, "sha256=" + new string('0', 64)), Context);

        Assert.Equal(401, response.StatusCode);
        Assert.Equal("X-Hub-Signature-256 does not match the body", JsonDocument.Parse(response.Body).RootElement.GetProperty("reason").GetString());
        Assert.Empty(starts.Names);
    }

    [Fact]
    public async Task HandleAsync_WhenBase64IsBroken_ShouldAnswer400()
    {
        var request = Request(Push(), true) with { Body = "not base64 !" };

        Assert.Equal(400, (await Handler().HandleAsync(request, Context)).StatusCode);
    }

    private sealed class FixedSecret : IWebhookSecret
    {
        public Task<byte[]> GetAsync(CancellationToken cancellationToken) => Task.FromResult(GitHubWebhookHandlerTests.Secret);
    }

    private sealed class Starts : IExecutionStarter
    {
        public List<string> Names { get; } = [];

        public Task<ExecutionStart> StartAsync(string name, string input, CancellationToken cancellationToken)
        {
            Names.Add(name);
            return Task.FromResult(new ExecutionStart(true, "arn:aws:states:us-east-1:123456789012:execution:m:" + name));
        }
    }
}
