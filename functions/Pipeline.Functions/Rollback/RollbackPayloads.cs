using System.Text.Json.Serialization;

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

/// <param name="RolledBack">True once every step is done (false never returns: a step that fails raises its error).</param>
/// <param name="Terminated">Instances of the failed version this call terminated.</param>
/// <param name="LiveLabel">The service's live version afterwards.</param>
/// <param name="RoutesVersion">The routes version in force afterwards.</param>
/// <param name="RoutesPublished">True when a config without the failed version was published.</param>
/// <param name="Status">The failed version's status afterwards.</param>
public sealed record RollbackOutput(
    string Service,
    string Label,
    bool RolledBack,
    IReadOnlyList<string> Terminated,
    string? LiveLabel,
    long RoutesVersion,
    bool RoutesPublished,
    string Status);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(RollbackInput))]
[JsonSerializable(typeof(RollbackOutput))]
public sealed partial class RollbackJson : JsonSerializerContext;
