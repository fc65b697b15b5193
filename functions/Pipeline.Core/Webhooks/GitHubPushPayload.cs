using System.Text.Json.Serialization;
using Pipeline.Core.Triggers;

namespace Pipeline.Core.Webhooks;

// The members of GitHub's push webhook payload the receiver reads; every field is optional here so the
// receiver can name exactly the one that is missing.

public sealed record GitHubPushPayload(
    [property: JsonPropertyName("ref")] string? Ref,
    [property: JsonPropertyName("before")] string? Before,
    [property: JsonPropertyName("after")] string? After,
    [property: JsonPropertyName("deleted")] bool Deleted,
    [property: JsonPropertyName("repository")] GitHubPayloadRepository? Repository);

public sealed record GitHubPayloadRepository(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("owner")] GitHubPayloadOwner? Owner);

/// <summary>A push payload's owner carries both <c>login</c> and <c>name</c>; other events only <c>login</c>.</summary>
public sealed record GitHubPayloadOwner(
    [property: JsonPropertyName("login")] string? Login,
    [property: JsonPropertyName("name")] string? Name);

/// <summary>The receiver's JSON answer body.</summary>
public sealed record WebhookAnswerBody(
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("executionArn"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ExecutionArn);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(GitHubPushPayload))]
[JsonSerializable(typeof(WebhookAnswerBody))]
[JsonSerializable(typeof(EventEnvelope<GitHubPush>))]
[JsonSerializable(typeof(GitHubTrigger))]
public sealed partial class WebhookJson : JsonSerializerContext;

/// <summary>
/// The execution input for a verified push: the EventBridge-shaped GitHub trigger NormalizeTrigger reads,
/// plus the delivery id so a run can be traced back to the delivery that started it.
/// </summary>
public sealed record GitHubTrigger(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("detail-type")] string DetailType,
    [property: JsonPropertyName("detail")] GitHubPush Detail);
