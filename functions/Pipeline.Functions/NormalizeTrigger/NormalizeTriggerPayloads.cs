using System.Text.Json.Serialization;

namespace Pipeline.Functions.NormalizeTrigger;

/// <summary>
/// NormalizeTrigger's wire payloads: in, any trigger as a JSON document (only the normalizer tells
/// the three shapes apart); out, the <see cref="PipelineRequest"/> every later state reads.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(PipelineRequest))]
public sealed partial class NormalizeTriggerJson : JsonSerializerContext;
