using Pipeline.Core.Triggers;

namespace Pipeline.Core.Webhooks;

/// <summary>The receiver's JSON answer body.</summary>
public sealed record WebhookAnswerBody(
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("executionArn"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ExecutionArn);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(GitHubPush))]
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
