namespace Pipeline.Core.Tests.Webhooks;

/// <summary>Every answer of the receiver, with real HMACs over the bodies sent; only a verified push starts a run.</summary>
public sealed class GitHubWebhookReceiverTests
{
    private const string Delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958";
    private const string After = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("a-webhook-secret-of-the-stack");
    private readonly InMemoryExecutions executions = new();
    private readonly GitHubWebhookReceiver receiver;

    public GitHubWebhookReceiverTests() =>
        receiver = new GitHubWebhookReceiver(new WebhookSettings("acme", "main", 4096), new FixedWebhookSecret(Secret), executions);

    /// <summary>The raw push payload GitHub sends: the detail of the EventBridge sample event.</summary>
    private static byte[] Push(Action<JsonObject>? change = null)
    {
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Triggers", "Events", "github-push-main.json")))!;
        var payload = sample["detail"]!.AsObject();
        change?.Invoke(payload);
        return Encoding.UTF8.GetBytes(payload.ToJsonString());
    }

    private static WebhookDelivery Signed(byte[] body, string kind = "push", string delivery = Delivery, string? signature = null, string method = "POST")
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = "application/json",
            ["x-github-event"] = kind,
            ["x-github-delivery"] = delivery,
            ["x-hub-signature-256"] = signature ?? GitHubSignature.Compute(Secret, body),
        };
        return new WebhookDelivery(method, headers, body);
    }

    private Task<WebhookAnswer> Receive(WebhookDelivery delivery) => receiver.ReceiveAsync(delivery, CancellationToken.None);

    [Fact]
    public async Task ReceiveAsync_WhenPushToDeployBranchIsSigned_ShouldStartOneExecutionWithTheTriggerNormalizeTriggerReads()
    {
        var answer = await Receive(Signed(Push(p => p["repository"]!["clone_url"] = "https://evil.example/x.git")));

        Assert.Equal(202, answer.Status);
        Assert.StartsWith("started: 0d1a26e pushed to main of orders", answer.Reason, StringComparison.Ordinal);
        var (name, input) = Assert.Single(executions.Started);
        Assert.Equal("github-orders-6113728f27ae-0d1a26e67d8f", name);
        Assert.Equal(answer.ExecutionArn, $"arn:aws:states:us-east-1:123456789012:execution:deploy:{name}");
        var request = new TriggerNormalizer(TriggerSettings.FromEnvironment("main", "us-east-1")).Normalize(JsonDocument.Parse(input).RootElement);
        Assert.Equal(new PipelineRequest(PipelineActions.Build, "orders", After, null, "main", TriggerSources.GitHub,
            "0d1a26e pushed to main of orders on GitHub", "https://github.com/acme/orders.git"), request);
        Assert.Contains($"\"id\":\"{Delivery}\"", input, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReceiveAsync_WhenTheSameDeliveryComesAgain_ShouldAnswerDuplicateAndStartNothingMore()
    {
        var body = Push();
        await Receive(Signed(body));

        var replay = await Receive(Signed(body));
        var otherId = await Receive(Signed(body, delivery: "8f0e6c1a-cc78-11e3-81ab-4c9367dc0958"));

        Assert.Equal((200, true), (replay.Status, replay.Reason.StartsWith("duplicate", StringComparison.Ordinal)));
        Assert.Equal((200, true), (otherId.Status, otherId.Reason.StartsWith("duplicate", StringComparison.Ordinal)));
        Assert.Single(executions.Started);
    }

    [Fact]
    public async Task ReceiveAsync_WhenTheStartFailedAndGitHubRedelivers_ShouldStartThen()
    {
        executions.FailNext = 1;
        var body = Push();

        var failed = await Receive(Signed(body));
        var redelivered = await Receive(Signed(body));

        Assert.Equal(503, failed.Status);
        Assert.Equal(202, redelivered.Status);
        Assert.Single(executions.Started);
    }

    public static TheoryData<string, int, string> Refusals => new()
    {
        { "missing", 401, "X-Hub-Signature-256 is missing" },
        { "sha1-only", 401, "only X-Hub-Signature (sha1) was sent" },
        { "other-body", 401, "X-Hub-Signature-256 does not match the body" },
        { "truncated", 401, "X-Hub-Signature-256 does not match the body" },
        { "upper-case", 401, "X-Hub-Signature-256 does not match the body" },
        { "other-secret", 401, "X-Hub-Signature-256 does not match the body" },
        { "too-big", 413, "the body is 4097 bytes; at most 4096 are accepted" },
        { "not-json", 400, "the body is not a JSON webhook payload" },
        { "form-encoded", 400, "the body is not a JSON webhook payload" },
        { "no-event", 400, "X-GitHub-Event is missing" },
        { "ping", 200, "pong" },
        { "issues", 200, "ignored: event 'issues' is not a push" },
        { "other-owner", 403, "repository owner 'mallory' is not the configured GitHub owner 'acme'" },
        { "no-repository", 400, "repository.name and repository.owner.login are required" },
        { "not-a-service", 200, "ignored: not a service name: repository 'Orders' has upper-case 'O'" },
        { "no-after", 400, "ref, before and after are required" },
        { "tag", 200, "ignored: tag 'v1.0' was pushed" },
        { "note-ref", 200, "ignored: ref 'refs/notes/commits' is not a branch" },
        { "deleted", 200, "ignored: branch 'main' was deleted" },
        { "other-branch", 200, "ignored: branch 'feature' is not the deploy branch 'main'" },
        { "short-after", 400, "after '0d1a26e' is 7 hex digits" },
        { "no-delivery", 400, "X-GitHub-Delivery '' is not a delivery id" },
        { "bad-delivery", 400, "X-GitHub-Delivery 'x/../y' is not a delivery id" },
        { "get", 405, "method GET is not allowed" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task ReceiveAsync_WhenDeliveryIsRefusedOrNeedsNoRun_ShouldAnswerWhyAndStartNothing(string @case, int status, string reason)
    {
        var answer = await Receive(Case(@case));

        Assert.Equal(status, answer.Status);
        Assert.StartsWith(reason, answer.Reason, StringComparison.Ordinal);
        Assert.Empty(executions.Started);
    }

    private static WebhookDelivery Case(string name)
    {
        var push = Push();
        var signature = GitHubSignature.Compute(Secret, push);
        return name switch
        {
            "missing" => Without(Signed(push), "x-hub-signature-256"),
            "sha1-only" => With(Without(Signed(push), "x-hub-signature-256"), "x-hub-signature", "sha1=0123"),
            "other-body" => Signed(push, signature: GitHubSignature.Compute(Secret, Push(p => p["after"] = "1" + After[1..]))),
            "truncated" => Signed(push, signature: signature[..^1]),
            "upper-case" => Signed(push, signature: "sha256=" + signature["sha256=".Length..].ToUpperInvariant()),
            "other-secret" => Signed(push, signature: GitHubSignature.Compute(Encoding.UTF8.GetBytes("guess"), push)),
            "too-big" => Signed(new byte[4097]),
            "not-json" => Signed("{\"ref\":"u8.ToArray()),
            "form-encoded" => Signed(Encoding.UTF8.GetBytes("payload=" + Uri.EscapeDataString(Encoding.UTF8.GetString(push)))),
            "no-event" => Without(Signed(push), "x-github-event"),
            "ping" => Signed("{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}"u8.ToArray(), kind: "ping"),
            "issues" => Signed(push, kind: "issues"),
            "other-owner" => Signed(Push(p => p["repository"]!["owner"] = new JsonObject { ["login"] = "mallory", ["name"] = "mallory" })),
            "no-repository" => Signed(Push(p => p.Remove("repository"))),
            "not-a-service" => Signed(Push(p => p["repository"]!["name"] = "Orders")),
            "no-after" => Signed(Push(p => p.Remove("after"))),
            "tag" => Signed(Push(p => p["ref"] = "refs/tags/v1.0")),
            "note-ref" => Signed(Push(p => p["ref"] = "refs/notes/commits")),
            "deleted" => Signed(Push(p => { p["deleted"] = true; p["after"] = new string('0', 40); })),
            "other-branch" => Signed(Push(p => p["ref"] = "refs/heads/feature")),
            "short-after" => Signed(Push(p => p["after"] = "0d1a26e")),
            "no-delivery" => Without(Signed(push), "x-github-delivery"),
            "bad-delivery" => Signed(push, delivery: "x/../y"),
            "get" => Signed(push, method: "GET"),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }

    private static WebhookDelivery Without(WebhookDelivery d, string header) =>
        d with { Headers = d.Headers.Where(h => h.Key != header).ToDictionary(h => h.Key, h => h.Value, StringComparer.Ordinal) };

    private static WebhookDelivery With(WebhookDelivery d, string header, string value) =>
        d with { Headers = new Dictionary<string, string>(d.Headers, StringComparer.Ordinal) { [header] = value } };

    [Fact]
    public async Task ReceiveAsync_WhenTheSecretCannotBeRead_ShouldAnswer503AndStartNothing()
    {
        var blind = new GitHubWebhookReceiver(new WebhookSettings("acme", "main"), new FixedWebhookSecret(null), executions);

        var answer = await blind.ReceiveAsync(Signed(Push()), CancellationToken.None);

        Assert.Equal(503, answer.Status);
        Assert.Empty(executions.Started);
    }

    [Fact]
    public async Task ReceiveAsync_WhenTheStackHasNoGitHubOwner_ShouldRefuseEveryPushWith403()
    {
        var closed = new GitHubWebhookReceiver(new WebhookSettings("", "main"), new FixedWebhookSecret(Secret), executions);

        var answer = await closed.ReceiveAsync(Signed(Push()), CancellationToken.None);

        Assert.Equal(403, answer.Status);
        Assert.StartsWith("this stack has no GitHubOwner", answer.Reason, StringComparison.Ordinal);
        Assert.Empty(executions.Started);
    }

    [Fact]
    public async Task ReceiveAsync_WhenOwnerDiffersOnlyInCase_ShouldStart()
    {
        var answer = await Receive(Signed(Push(p => p["repository"]!["owner"] = new JsonObject { ["login"] = "ACME" })));

        Assert.Equal(202, answer.Status);
        Assert.Contains("https://github.com/acme/orders.git", Assert.Single(executions.Started).Value, StringComparison.Ordinal);
    }
}
