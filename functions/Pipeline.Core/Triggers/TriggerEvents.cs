namespace Pipeline.Core.Triggers;

// The shapes below are the documented wire formats, so every field is optional here and checked
// by TriggerNormalizer, which can then name exactly the field that is missing or wrong.

/// <summary>An EventBridge event as delivered to a target: the envelope around any source's detail.</summary>
public sealed record EventEnvelope<TDetail>(
    [property: JsonPropertyName("source")] string? Source,
    [property: JsonPropertyName("detail-type")] string? DetailType,
    [property: JsonPropertyName("region")] string? Region,
    [property: JsonPropertyName("detail")] TDetail? Detail)
    where TDetail : class;

/// <summary>The detail of a CodeCommit "Repository State Change" event.</summary>
public sealed record CodeCommitReferenceDetail(
    [property: JsonPropertyName("event")] string? Event,
    [property: JsonPropertyName("repositoryName")] string? RepositoryName,
    [property: JsonPropertyName("referenceType")] string? ReferenceType,
    [property: JsonPropertyName("referenceName")] string? ReferenceName,
    [property: JsonPropertyName("commitId")] string? CommitId);

/// <summary>
/// The GitHub push webhook payload, as GitHub delivers it to the webhook receiver and as EventBridge's GitHub
/// webhook integration puts it in detail: the members either of them reads.
/// </summary>
public sealed record GitHubPush(
    [property: JsonPropertyName("ref")] string? Ref,
    [property: JsonPropertyName("after")] string? After,
    [property: JsonPropertyName("deleted")] bool Deleted,
    [property: JsonPropertyName("repository")] GitHubRepository? Repository,
    [property: JsonPropertyName("before"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Before = null);

/// <summary>The repository object of a GitHub webhook payload.</summary>
public sealed record GitHubRepository(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("clone_url")] string? CloneUrl,
    [property: JsonPropertyName("owner"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] GitHubOwner? Owner = null);

/// <summary>A push payload's owner carries both <c>login</c> and <c>name</c>; other events only <c>login</c>.</summary>
public sealed record GitHubOwner(
    [property: JsonPropertyName("login")] string? Login,
    [property: JsonPropertyName("name")] string? Name);

/// <summary>
/// A run started by hand: <c>{"service":"orders","commit":"..."}</c> builds a commit,
/// <c>{"service":"orders","version":"1.4.7-ab12cd3"}</c> redeploys (or rolls back to) a version.
/// </summary>
public sealed record ManualTrigger(
    [property: JsonPropertyName("service")] string? Service,
    [property: JsonPropertyName("commit")] string? Commit,
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("branch")] string? Branch,
    [property: JsonPropertyName("repositoryUrl")] string? RepositoryUrl,
    [property: JsonPropertyName("reason")] string? Reason);
