using System.Net.Http.Headers;
using Pipeline.Core.Webhooks;
using Pipeline.Local.Aws.SecretsManager;
using Pipeline.Local.Aws.EventBridge;
using Pipeline.Local.Aws.CodeCommit;
using Pipeline.Local.Tests.Support;

namespace Pipeline.Local.Tests;

/// <summary>
/// The webhook receiver as the stack runs it: the published GitHubWebhook function with its template
/// environment behind a local function URL, its secret from the Secrets Manager stand-in, executions
/// started through the local Step Functions API. Each delivery carries a real HMAC; only the valid push
/// starts an execution, once.
/// </summary>
public sealed class GitHubWebhookTests : IAsyncLifetime
{
    private const string Before = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";
    private const string After = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
    private FunctionOnLocalStack _stack = null!;
    private LocalFunctionUrl _url = null!;
    private LocalSecrets _secrets = null!;
    private SecretDescription _secret = null!;

    public async Task InitializeAsync()
    {
        _stack = await FunctionOnLocalStack.StartAsync(
            StackHost.WebhookFunction,
            """{"StartAt":"Deploying","States":{"Deploying":{"Type":"Wait","Seconds":600,"End":true}}}""",
            (stack, app) =>
            {
                _secret = new SecretDescription(StackHost.WebhookSecret, StackHost.WebhookSecret, stack.Setting("PIPELINE_WEBHOOK_SECRET_ARN"));
                _secrets = new LocalSecrets(stack.State, [_secret]);
                app.MapSecretsManagerApi(_secrets);
            },
            control => new Dictionary<string, string> { ["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = control + SecretsManagerApi.Path });
        _url = await LocalFunctionUrl.StartAsync(_stack.Lambda, _stack.Function.Name, FreePort.Next(), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _url.DisposeAsync();
        await _stack.DisposeAsync();
    }

    private byte[] Key => Encoding.UTF8.GetBytes(_secrets.Value(_secret));

    private static byte[] Push(string owner = "pipeline-local") => Encoding.UTF8.GetBytes(GitHubWebhooks.Payload(
        new ReferenceChange("orders", Before, After, "refs/heads/main"), owner, DateTimeOffset.UnixEpoch).ToJsonString());

    private async Task<(int Status, string Reason)> SendAsync(byte[] body, string? signature, string delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _url.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", "push");
        request.Headers.Add("X-GitHub-Delivery", delivery);
        if (signature is not null)
        {
            request.Headers.Add("X-Hub-Signature-256", signature);
        }

        using var response = await _stack.Http.SendAsync(request);
        var reason = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("reason").GetString()!;
        return ((int)response.StatusCode, reason);
    }

    [Fact]
    public async Task Deliveries_WhenOnlyOneIsAValidSignedPush_ShouldStartExactlyOneExecutionThroughTheStepFunctionsApi()
    {
        var push = Push();
        var signature = GitHubSignature.Compute(Key, push);

        var refused = new[]
        {
            await SendAsync(push, null),
            await SendAsync(push, GitHubSignature.Compute(Key, Push("someone-else"))),
            await SendAsync(push, signature[..^2]),
            await SendAsync(push, "sha256=" + signature["sha256=".Length..].ToUpperInvariant()),
            await SendAsync(push, GitHubSignature.Compute(Encoding.UTF8.GetBytes("a guess"), push)),
        };
        var otherOwner = await SendAsync(Push("someone-else"), GitHubSignature.Compute(Key, Push("someone-else")));
        var valid = await SendAsync(push, signature);
        var replay = await SendAsync(push, signature);
        var redelivered = await SendAsync(push, signature, "8f0e6c1a-cc78-11e3-81ab-4c9367dc0958");

        Assert.All(refused, answer => Assert.Equal(401, answer.Status));
        Assert.Equal(403, otherOwner.Status);
        Assert.Equal(202, valid.Status);
        Assert.Equal((200, true), (replay.Status, replay.Reason.StartsWith("duplicate", StringComparison.Ordinal)));
        Assert.Equal((200, true), (redelivered.Status, redelivered.Reason.StartsWith("duplicate", StringComparison.Ordinal)));
        var execution = Assert.Single(_stack.StepFunctions.ListExecutions(_stack.MachineArn));
        Assert.Equal(GitHubWebhookReceiver.ExecutionName("orders", Before, After), execution.Name);
        Assert.Contains("https://github.com/pipeline-local/orders.git", execution.Input, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_WhenTheLocalGitHubSendsAPush_ShouldBeAcceptedLikeGitHubs()
    {
        var gitHub = new GitHubWebhooks(_stack.Http, _url.Url, () => Key, "pipeline-local");

        var (status, body) = await gitHub.DeliverAsync(new ReferenceChange("orders", Before, After, "refs/heads/main"), CancellationToken.None);

        Assert.True(status == 202, body);
        Assert.Single(_stack.StepFunctions.ListExecutions(_stack.MachineArn));
    }
}
