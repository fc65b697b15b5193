using System.Text.Json.Serialization;
using Pipeline.Core.Fleet;

namespace Pipeline.Functions.Rollback;

/// <summary>Undo the deploy of <see cref="Label"/> by <see cref="ExecutionId"/>, which replaced <see cref="PreviousLabel"/> (null: a first deploy).</summary>
/// <param name="Error">The error that made the deploy fail, for the log.</param>
/// <param name="Cause">Its cause, for the log.</param>
public sealed record RollbackInput(string Service, string Label, string? PreviousLabel, string ExecutionId, string? Error = null, string? Cause = null)
    : IValidatable
{
    public void Validate()
    {
        RequiredFields.Check((Service, "service"), (Label, "label"), (ExecutionId, "executionId"));

        if (PreviousLabel == Label)
        {
            throw new InvalidInputException($"previousLabel: the version rolled back ({Label}) cannot be the one to go back to");
        }
    }
}

/// <summary>The function's output is Core's <see cref="RollbackResult"/> as it is: every field is one the execution history shows.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(RollbackInput))]
[JsonSerializable(typeof(RollbackResult), TypeInfoPropertyName = "RollbackOutput")]
public sealed partial class RollbackJson : JsonSerializerContext;
