using System.Text.Json.Serialization.Metadata;
using Pipeline.Core.Naming;

namespace Pipeline.Core.Triggers;

/// <summary>
/// Turns any of the three ways a run starts (a CodeCommit reference change, a GitHub push through
/// EventBridge, a manual input) into one <see cref="PipelineRequest"/>. Pushes that need no run
/// (tags, deleted branches, other branches) give <see cref="PipelineActions.None"/>, not an error:
/// the event rule delivers them legitimately. A malformed trigger throws
/// <see cref="InvalidInputException"/> naming the field.
/// </summary>
public sealed class TriggerNormalizer(TriggerSettings settings)
{
    public const string CodeCommitSource = "aws.codecommit";
    public const string CodeCommitDetailType = "CodeCommit Repository State Change";
    public const string GitHubSource = "github.com";
    public const string GitHubPushDetailType = "push";

    public PipelineRequest Normalize(JsonElement trigger)
    {
        if (trigger.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidInputException($"the trigger must be a JSON object, got {trigger.ValueKind}");
        }

        if (!trigger.TryGetProperty("source", out var source))
        {
            return FromManual(Read(trigger, PipelineJson.Default.ManualTrigger));
        }

        return source.ValueKind == JsonValueKind.String ? source.GetString() switch
        {
            CodeCommitSource => FromCodeCommit(Read(trigger, PipelineJson.Default.EventEnvelopeCodeCommitReferenceDetail)),
            GitHubSource => FromGitHub(Read(trigger, PipelineJson.Default.EventEnvelopeGitHubPush)),
            var other => throw new InvalidInputException(
                $"source '{other}' is not a trigger source Pipeline reads (expected '{CodeCommitSource}' or '{GitHubSource}', or a manual input without source)"),
        } : throw new InvalidInputException($"source must be a string, got {source.ValueKind}");
    }

    public PipelineRequest FromCodeCommit(EventEnvelope<CodeCommitReferenceDetail> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        const string source = TriggerSources.CodeCommit;
        if (e.DetailType != CodeCommitDetailType)
        {
            return PipelineRequest.Nothing(source, null, null, $"CodeCommit event '{e.DetailType}' is not a repository state change");
        }

        var d = e.Detail ?? throw Missing("detail");
        var service = Service(d.RepositoryName, "detail.repositoryName");
        var name = Required(d.ReferenceName, "detail.referenceName");
        var type = Required(d.ReferenceType, "detail.referenceType");
        var kind = Required(d.Event, "detail.event");
        if (type == "tag")
        {
            Check(name, "detail.referenceName", "a tag name", GitRefName.Problem);
            return PipelineRequest.Nothing(source, service, null, $"tag '{name}' was pushed; only branch pushes deploy");
        }

        if (type != "branch")
        {
            throw new InvalidInputException($"detail.referenceType must be 'branch' or 'tag', got {Shown.Quote(type)}");
        }

        Check(name, "detail.referenceName", "a branch name", BranchName.Problem);
        switch (kind)
        {
            case "referenceDeleted":
                return PipelineRequest.Nothing(source, service, name, $"branch '{name}' was deleted");
            case not ("referenceCreated" or "referenceUpdated"):
                return PipelineRequest.Nothing(source, service, name, $"reference event {Shown.Quote(kind)} does not change code");
        }

        if (name != settings.DeployBranch)
        {
            return OtherBranch(source, service, name);
        }

        var commit = FullCommit(d.CommitId, "detail.commitId");
        var url = string.IsNullOrEmpty(e.Region) ? null
            : AwsRegion.IsValid(e.Region) ? RepositoryUrl.CodeCommit(e.Region, service)
            : throw new InvalidInputException($"region {Shown.Quote(e.Region)} is not an AWS region code such as us-east-1");
        return new PipelineRequest(PipelineActions.Build, service, commit, null, name, source,
            $"{commit[..7]} pushed to {name} of {service} in CodeCommit", url);
    }

    public PipelineRequest FromGitHub(EventEnvelope<GitHubPush> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        const string source = TriggerSources.GitHub;
        if (e.DetailType != GitHubPushDetailType)
        {
            return PipelineRequest.Nothing(source, null, null, $"GitHub event {Shown.Quote(e.DetailType)} is not a push");
        }

        var push = e.Detail ?? throw Missing("detail");
        var repository = push.Repository ?? throw Missing("detail.repository");
        var service = Service(repository.Name, "detail.repository.name");
        var reference = Check(Required(push.Ref, "detail.ref"), "detail.ref", "a git ref name", GitRefName.Problem);
        if (reference.StartsWith(GitRefName.TagsPrefix, StringComparison.Ordinal))
        {
            return PipelineRequest.Nothing(source, service, null, $"tag '{reference[GitRefName.TagsPrefix.Length..]}' was pushed; only branch pushes deploy");
        }

        if (!reference.StartsWith(BranchName.HeadsPrefix, StringComparison.Ordinal))
        {
            return PipelineRequest.Nothing(source, service, null, $"ref '{reference}' is not a branch");
        }

        var branch = reference[BranchName.HeadsPrefix.Length..];
        Check(reference, "detail.ref", "a branch name", _ => BranchName.Problem(branch));
        var after = Required(push.After, "detail.after");
        if (push.Deleted || CommitSha.IsZero(after))
        {
            return PipelineRequest.Nothing(source, service, branch, $"branch '{branch}' was deleted");
        }

        if (branch != settings.DeployBranch)
        {
            return OtherBranch(source, service, branch);
        }

        var commit = FullCommit(after, "detail.after");
        var url = Required(repository.CloneUrl, "detail.repository.clone_url");
        if (RepositoryUrl.GitHubCloneProblem(url, service) is { } problem)
        {
            throw new InvalidInputException($"detail.repository.clone_url {Shown.Quote(url)} is not a GitHub clone URL: it {problem}");
        }

        return new PipelineRequest(PipelineActions.Build, service, commit, null, branch, source,
            $"{commit[..7]} pushed to {branch} of {service} on GitHub", url);
    }

    public PipelineRequest FromManual(ManualTrigger m)
    {
        ArgumentNullException.ThrowIfNull(m);
        const string source = TriggerSources.Manual;
        var service = Service(m.Service, "service");
        var commit = Optional(m.Commit, "commit");
        var version = Optional(m.Version, "version");
        var reason = Optional(m.Reason, "reason") is { } given ? Check(given, "reason", "one line of text", OneLineProblem) : null;
        var branch = Optional(m.Branch, "branch") is { } named ? Check(named, "branch", "a branch name", BranchName.Problem) : null;
        var url = Optional(m.RepositoryUrl, "repositoryUrl") is { } u ? OwnRepository(u, service) : null;
        switch (commit, version)
        {
            case (not null, not null):
                throw new InvalidInputException("give either commit (to build) or version (to redeploy), not both");
            case (null, null):
                throw new InvalidInputException("commit (to build) or version (to redeploy) is required");
            case (not null, null):
                commit = FullCommit(commit, "commit");
                return new PipelineRequest(PipelineActions.Build, service, commit, null, branch, source,
                    reason ?? $"manual build of {commit[..7]} of {service}", url);
            default:
                Check(version!, "version", "a version label", VersionLabel.Problem);
                return new PipelineRequest(PipelineActions.Redeploy, service, null, version, branch, source,
                    reason ?? $"manual redeploy of {service} {version}", url);
        }
    }

    /// <summary>
    /// CodeBuild clones whatever URL the run names, with the pipeline's credentials: a manual run may
    /// repeat its service's own URL (the one the state machine derives without it) and nothing else.
    /// </summary>
    private string OwnRepository(string url, string service)
    {
        if (settings.Region is null)
        {
            throw new InvalidInputException(
                $"repositoryUrl cannot be checked against service '{service}' because the function's region (AWS_REGION) is unknown; leave it out");
        }

        var own = RepositoryUrl.CodeCommit(settings.Region, service);
        return url == own ? own : throw new InvalidInputException(
            $"repositoryUrl {Shown.Quote(url)} is not the repository of service '{service}'; a manual run builds only {own}, so give that URL or leave repositoryUrl out");
    }

    private PipelineRequest OtherBranch(string source, string service, string branch) =>
        PipelineRequest.Nothing(source, service, branch,
            $"branch '{branch}' is not the deploy branch '{settings.DeployBranch}'");

    private static T Read<T>(JsonElement trigger, JsonTypeInfo<T> type)
    {
        try
        {
            return trigger.Deserialize(type) ?? throw new InvalidInputException("the trigger must be a JSON object");
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) ? "the trigger" : ex.Path.TrimStart('$', '.');
            throw new InvalidInputException($"{field} has the wrong type: {FirstSentence(ex.Message)}", ex);
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut < 0 ? message : message[..(cut + 1)];
    }

    private static InvalidInputException Missing(string field) => new($"{field} is required");

    private static string Required(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw Missing(field) : value;

    // Values are taken as given, never trimmed: "main\n" is refused, not quietly read as main.
    private static string? Optional(string? value, string field) =>
        value is null ? null
        : string.IsNullOrWhiteSpace(value) ? throw new InvalidInputException($"{field} must not be empty when given")
        : value;

    /// <summary>Returns <paramref name="value"/>, or throws naming the field, the value and what is wrong with it.</summary>
    private static string Check(string value, string field, string what, Func<string, string?> problem) =>
        problem(value) is { } why ? throw new InvalidInputException($"{field} {Shown.Quote(value)} is not {what}: it {why}") : value;

    private static string Service(string? value, string field) =>
        Check(Required(value, field), field, "a service name", name =>
            ServiceName.Problem(name) is { } why ? $"{why} (service names are {ServiceName.Rule})" : null);

    private static string FullCommit(string? value, string field) =>
        CommitSha.Normalize(Check(Required(value, field), field, "a full commit id", CommitSha.Problem));

    private const int ReasonMaxLength = 500;

    private static string? OneLineProblem(string text) =>
        text.Length > ReasonMaxLength
            ? string.Create(CultureInfo.InvariantCulture, $"is {text.Length} characters long; at most {ReasonMaxLength}")
            : Characters.FirstRefused(text, c => !Characters.IsInvisible(c)) is { } bad
                ? $"has {Shown.Character(bad)}; give one line without control characters"
                : null;
}
