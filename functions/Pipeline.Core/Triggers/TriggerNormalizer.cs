using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Pipeline.Core.Errors;

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
        var service = ServiceName(d.RepositoryName, "detail.repositoryName");
        var name = Required(d.ReferenceName, "detail.referenceName");
        var type = Required(d.ReferenceType, "detail.referenceType");
        var kind = Required(d.Event, "detail.event");
        if (type == "tag")
        {
            return PipelineRequest.Nothing(source, service, null, $"tag '{name}' was pushed; only branch pushes deploy");
        }

        if (type != "branch")
        {
            throw new InvalidInputException($"detail.referenceType must be 'branch' or 'tag', got '{type}'");
        }

        switch (kind)
        {
            case "referenceDeleted":
                return PipelineRequest.Nothing(source, service, name, $"branch '{name}' was deleted");
            case not ("referenceCreated" or "referenceUpdated"):
                return PipelineRequest.Nothing(source, service, name, $"reference event '{kind}' does not change code");
        }

        if (name != settings.DeployBranch)
        {
            return OtherBranch(source, service, name);
        }

        var commit = FullCommit(d.CommitId, "detail.commitId");
        var url = string.IsNullOrEmpty(e.Region) ? null : $"https://git-codecommit.{e.Region}.amazonaws.com/v1/repos/{service}";
        return new PipelineRequest(PipelineActions.Build, service, commit, null, name, source,
            $"{commit[..7]} pushed to {name} of {service} in CodeCommit", url);
    }

    public PipelineRequest FromGitHub(EventEnvelope<GitHubPush> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        const string source = TriggerSources.GitHub;
        if (e.DetailType != GitHubPushDetailType)
        {
            return PipelineRequest.Nothing(source, null, null, $"GitHub event '{e.DetailType}' is not a push");
        }

        var push = e.Detail ?? throw Missing("detail");
        var repository = push.Repository ?? throw Missing("detail.repository");
        var service = ServiceName(repository.Name, "detail.repository.name");
        var reference = Required(push.Ref, "detail.ref");
        if (reference.StartsWith(GitRefs.TagsPrefix, StringComparison.Ordinal))
        {
            return PipelineRequest.Nothing(source, service, null, $"tag '{reference[GitRefs.TagsPrefix.Length..]}' was pushed; only branch pushes deploy");
        }

        if (!reference.StartsWith(GitRefs.HeadsPrefix, StringComparison.Ordinal))
        {
            return PipelineRequest.Nothing(source, service, null, $"ref '{reference}' is not a branch");
        }

        var branch = reference[GitRefs.HeadsPrefix.Length..];
        var after = Required(push.After, "detail.after");
        if (push.Deleted || GitRefs.IsZero(after))
        {
            return PipelineRequest.Nothing(source, service, branch, $"branch '{branch}' was deleted");
        }

        if (branch != settings.DeployBranch)
        {
            return OtherBranch(source, service, branch);
        }

        var commit = FullCommit(after, "detail.after");
        return new PipelineRequest(PipelineActions.Build, service, commit, null, branch, source,
            $"{commit[..7]} pushed to {branch} of {service} on GitHub", repository.CloneUrl);
    }

    public static PipelineRequest FromManual(ManualTrigger m)
    {
        ArgumentNullException.ThrowIfNull(m);
        const string source = TriggerSources.Manual;
        var service = ServiceName(m.Service, "service");
        var commit = Optional(m.Commit, "commit");
        var version = Optional(m.Version, "version");
        var reason = Optional(m.Reason, "reason");
        var branch = Optional(m.Branch, "branch");
        var url = Optional(m.RepositoryUrl, "repositoryUrl");
        switch (commit, version)
        {
            case (not null, not null):
                throw new InvalidInputException("give either commit (to build) or version (to redeploy), not both");
            case (null, null):
                throw new InvalidInputException("commit (to build) or version (to redeploy) is required");
            case (not null, null):
                if (!GitRefs.IsCommitId(commit))
                {
                    throw new InvalidInputException($"commit must be a commit id of 7 to 64 hex digits, got '{commit}'");
                }

                return new PipelineRequest(PipelineActions.Build, service, commit.ToLowerInvariant(), null, branch, source,
                    reason ?? $"manual build of {commit[..7]} of {service}", url);
            default:
                if (version!.Length > 128 || version.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
                {
                    throw new InvalidInputException($"version must be a version label without spaces, got '{version}'");
                }

                return new PipelineRequest(PipelineActions.Redeploy, service, null, version, branch, source,
                    reason ?? $"manual redeploy of {service} {version}", url);
        }
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

    private static string? Optional(string? value, string field) =>
        value is null ? null
        : string.IsNullOrWhiteSpace(value) ? throw new InvalidInputException($"{field} must not be empty when given")
        : value.Trim();

    private static string ServiceName(string? value, string field)
    {
        var name = Required(value, field);
        return GitRefs.IsServiceName(name)
            ? name
            : throw new InvalidInputException($"{field} '{name}' is not a usable service name (letters, digits, '-', '_', '.')");
    }

    private static string FullCommit(string? value, string field)
    {
        var commit = Required(value, field);
        return GitRefs.IsFullCommitId(commit)
            ? commit.ToLowerInvariant()
            : throw new InvalidInputException($"{field} must be a full commit id (40 or 64 hex digits), got '{commit}'");
    }
}
