using System.Text.Json.Serialization;

namespace Pipeline.Functions.RetireVersion;

/// <summary>Retire <see cref="Label"/>, which <see cref="ReplacedBy"/> replaced and whose targets have drained.</summary>
public sealed record RetireVersionInput(string Service, string Label, string ReplacedBy, string ExecutionId) : IValidatable
{
    public void Validate()
    {
        RequiredFields.Check((Service, "service"), (Label, "label"), (ReplacedBy, "replacedBy"), (ExecutionId, "executionId"));

        if (Label == ReplacedBy)
        {
            throw new InvalidInputException($"replacedBy: a version cannot replace itself ({Label})");
        }
    }
}

/// <param name="Retired">True when the version's status is Retired.</param>
/// <param name="Terminated">Instance ids this call terminated.</param>
public sealed record RetireVersionOutput(string Service, string Label, bool Retired, IReadOnlyList<string> Terminated);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(RetireVersionInput))]
[JsonSerializable(typeof(RetireVersionOutput))]
public sealed partial class RetireVersionJson : JsonSerializerContext;
