using System.Text.Json.Serialization;
using Pipeline.Core.Deploy;

namespace Pipeline.Functions.RoutesConverged;

/// <summary>The routes version every router must have applied.</summary>
public sealed record RoutesConvergedInput(long RoutesVersion) : IValidatable
{
    public void Validate()
    {
        if (RoutesVersion < 1)
        {
            throw new InvalidInputException($"routesVersion: must be a published routes version (1 or more), got {RoutesVersion}");
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(RoutesConvergedInput))]
[JsonSerializable(typeof(ConvergenceResult))]
public sealed partial class RoutesConvergedJson : JsonSerializerContext;
