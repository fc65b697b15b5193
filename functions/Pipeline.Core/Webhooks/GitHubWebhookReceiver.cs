using Pipeline.Core.Naming;
using Pipeline.Core.Triggers;

namespace Pipeline.Core.Webhooks;

/// <summary>
/// Decides what one GitHub webhook delivery does. Checks run cheapest-and-unauthenticated first: size,
/// then the signature (nothing of an unsigned body is read), then JSON, then event, owner, repository
/// and branch, then the delivery id; a verified push to the deploy branch starts exactly one execution.
/// </summary>
public sealed class GitHubWebhookReceiver(WebhookSettings settings, IWebhookSecret secret, IExecutionStarter executions)
{
    public const string PushEvent = "push";
    public const string PingEvent = "ping";

    public async Task<WebhookAnswer> ReceiveAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        if (!string.Equals(delivery.Method, "POST", StringComparison.OrdinalIgnoreCase))
        {
            return new(405, $"method {delivery.Method} is not allowed; GitHub delivers webhooks with POST");
        }

        if (delivery.Body.Length > settings.MaxBodyBytes)
        {
            return new(413, $"the body is {delivery.Body.Length} bytes; at most {settings.MaxBodyBytes} are accepted");
        }

        byte[] key;
        try
        {
            key = await secret.GetAsync(cancellationToken);
        }
        catch (WebhookUnavailableException e)
        {
            return new(503, $"the webhook secret cannot be read now ({e.Message}); GitHub can redeliver");
        }

        if (GitHubSignature.Problem(key, delivery.Body, delivery.Header(GitHubSignature.Header),
                delivery.Header(GitHubSignature.LegacyHeader) is not null) is { } unsigned)
        {
            return new(401, unsigned);
        }

        return await VerifiedAsync(delivery, cancellationToken);
    }

    private async Task<WebhookAnswer> VerifiedAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        GitHubPush? push;
        try
        {
            push = JsonSerializer.Deserialize(delivery.Body, WebhookJson.Default.GitHubPush);
        }
        catch (JsonException e)
        {
            return new(400, $"the body is not a JSON webhook payload (content type must be application/json): {e.Message}");
        }

        if (push is null)
        {
            return new(400, "the body is JSON null, not a webhook payload");
        }

        var kind = delivery.Header(WebhookDelivery.EventHeader);
        switch (kind)
        {
            case null or "":
                return new(400, "X-GitHub-Event is missing");
            case PingEvent:
                return new(200, "pong: the webhook is reachable and its secret matches");
            case not PushEvent:
                return new(200, $"ignored: event {Shown.Quote(kind)} is not a push");
        }

        return Target(push) is { } refusal ? refusal : await StartAsync(delivery, push, cancellationToken);
    }

    /// <summary>Why a verified push deploys nothing, or null when it deploys.</summary>
    private WebhookAnswer? Target(GitHubPush push)
    {
        var owner = push.Repository?.Owner?.Login ?? push.Repository?.Owner?.Name;
        var name = push.Repository?.Name;
        if (string.IsNullOrEmpty(owner) || string.IsNullOrEmpty(name))
        {
            return new(400, "repository.name and repository.owner.login are required in a push payload");
        }

        if (settings.Owner.Length == 0)
        {
            return new(403, $"this stack has no GitHubOwner, so it deploys no GitHub repository (got a push from {Shown.Quote(owner)})");
        }

        // GitHub account names are case-insensitive.
        if (!string.Equals(owner, settings.Owner, StringComparison.OrdinalIgnoreCase))
        {
            return new(403, $"repository owner {Shown.Quote(owner)} is not the configured GitHub owner {Shown.Quote(settings.Owner)}");
        }

        if (ServiceName.Problem(name) is { } problem)
        {
            return new(200, $"ignored: not a service name: repository {Shown.Quote(name)} {problem}");
        }

        if (string.IsNullOrEmpty(push.Ref) || string.IsNullOrEmpty(push.After) || string.IsNullOrEmpty(push.Before))
        {
            return new(400, "ref, before and after are required in a push payload");
        }

        if (push.Ref.StartsWith(GitRefName.TagsPrefix, StringComparison.Ordinal))
        {
            return new(200, $"ignored: tag {Shown.Quote(push.Ref[GitRefName.TagsPrefix.Length..])} was pushed; only branch pushes deploy");
        }

        if (!push.Ref.StartsWith(BranchName.HeadsPrefix, StringComparison.Ordinal))
        {
            return new(200, $"ignored: ref {Shown.Quote(push.Ref)} is not a branch");
        }

        var branch = push.Ref[BranchName.HeadsPrefix.Length..];
        if (push.Deleted || CommitSha.IsZero(push.After))
        {
            return new(200, $"ignored: branch {Shown.Quote(branch)} was deleted");
        }

        if (branch != settings.DeployBranch)
        {
            return new(200, $"ignored: branch {Shown.Quote(branch)} is not the deploy branch {Shown.Quote(settings.DeployBranch)}");
        }

        return CommitSha.Problem(push.After) is { } bad ? new(400, $"after {Shown.Quote(push.After)} {bad}")
            : CommitSha.Problem(push.Before) is { } badBefore ? new(400, $"before {Shown.Quote(push.Before)} {badBefore}")
            : null;
    }

    private async Task<WebhookAnswer> StartAsync(WebhookDelivery delivery, GitHubPush push, CancellationToken cancellationToken)
    {
        var id = delivery.Header(WebhookDelivery.DeliveryHeader);
        if (!Guid.TryParseExact(id, "D", out _))
        {
            return new(400, $"X-GitHub-Delivery {Shown.Quote(id ?? "")} is not a delivery id (a GUID)");
        }

        var service = push.Repository!.Name!;
        var after = CommitSha.Normalize(push.After!);
        var trigger = new GitHubTrigger(id, TriggerNormalizer.GitHubSource, TriggerNormalizer.GitHubPushDetailType,
            new GitHubPush(push.Ref, after, false, new GitHubRepository(service, CloneUrl(service))));
        var input = JsonSerializer.Serialize(trigger, WebhookJson.Default.GitHubTrigger);
        try
        {
            var start = await executions.StartAsync(ExecutionName(service, push.Before!, after), input, cancellationToken);
            return start.Started
                ? new(202, $"started: {after[..7]} pushed to {settings.DeployBranch} of {service}", start.ExecutionArn)
                : new(200, $"duplicate: this push already started {start.ExecutionArn}", start.ExecutionArn);
        }
        catch (WebhookUnavailableException e)
        {
            return new(503, $"the deploy could not be started ({e.Message}); GitHub can redeliver");
        }
    }

    /// <summary>The clone URL comes from the configured owner, never from the payload.</summary>
    public string CloneUrl(string service) => $"{RepositoryUrl.GitHubPrefix}{settings.Owner}/{service}.git";

    /// <summary>
    /// The execution's name is made of signed payload fields only (the service and the before/after
    /// commits of the push), so a redelivery, or a captured body replayed under another X-GitHub-Delivery
    /// (which the signature does not cover), names the same execution and starts nothing new; a delivery
    /// whose start failed has no execution yet and starts when GitHub redelivers it.
    /// 7 + 32 + 1 + 12 + 1 + 12 characters stay within Step Functions' 80.
    /// </summary>
    public static string ExecutionName(string service, string before, string after) =>
        $"github-{service}-{CommitSha.Normalize(before)[..12]}-{CommitSha.Normalize(after)[..12]}";
}
