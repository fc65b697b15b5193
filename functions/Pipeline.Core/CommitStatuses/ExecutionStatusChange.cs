using Pipeline.Core.Triggers;
using Pipeline.Core.Webhooks;

namespace Pipeline.Core.CommitStatuses;

/// <summary>
/// The detail of Step Functions' "Execution Status Change" event (source <c>aws.states</c>), which Step
/// Functions puts on the account's default bus when an execution starts and when it ends. Only the
/// members the reporter reads; <c>input</c> is the execution's input as a string, left out (with
/// <c>inputDetails.included</c> false) when the event would exceed EventBridge's 256 KB.
/// </summary>
public sealed record ExecutionStatusChange(
    [property: JsonPropertyName("executionArn")] string? ExecutionArn,
    [property: JsonPropertyName("stateMachineArn")] string? StateMachineArn,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("input")] string? Input,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("cause")] string? Cause);

/// <summary>What the reporter did with one event; the function returns it and logs its reason.</summary>
public sealed record CommitStatusReport(
    [property: JsonPropertyName("posted")] bool Posted,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("state"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? State = null);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(EventEnvelope<ExecutionStatusChange>))]
[JsonSerializable(typeof(CommitStatusReport))]
[JsonSerializable(typeof(GitHubTrigger))]
public sealed partial class CommitStatusJson : JsonSerializerContext;
