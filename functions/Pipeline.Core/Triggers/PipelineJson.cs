namespace Pipeline.Core.Triggers;

/// <summary>Source-generated JSON for the trigger shapes and the request every later step reads.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(PipelineRequest))]
[JsonSerializable(typeof(EventEnvelope<CodeCommitReferenceDetail>))]
[JsonSerializable(typeof(EventEnvelope<GitHubPush>))]
[JsonSerializable(typeof(ManualTrigger))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class PipelineJson : JsonSerializerContext;
