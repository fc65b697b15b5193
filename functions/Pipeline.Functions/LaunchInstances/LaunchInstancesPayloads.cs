using System.Text.Json.Serialization;
using Pipeline.Core.Fleet;
using Pipeline.Core.Routing;

namespace Pipeline.Functions.LaunchInstances;

/// <summary>Start <see cref="Count"/> instances of a recorded version.</summary>
/// <param name="ArtifactKey">Must be the version's own immutable artifact key; anything else is refused.</param>
/// <param name="ExecutionId">The deploy execution; a retry with the same version reuses the instances already up.</param>
/// <param name="Registered">Absent for the launch. While the deploy waits for health: the targets registered so
/// far, of which those whose instance stopped or was terminated are replaced (<see cref="InstanceLauncher.ReplaceDeadAsync"/>).</param>
public sealed record LaunchInstancesInput(
    string Service, string Label, string ArtifactKey, int Count, string ExecutionId, IReadOnlyList<RouteTarget>? Registered = null) : IValidatable
{
    public void Validate()
    {
        RequiredFields.Check((Service, "service"), (Label, "label"), (ArtifactKey, "artifactKey"), (ExecutionId, "executionId"));
        if (Count is < 1 or > 100)
        {
            throw new InvalidInputException($"count: must be 1-100, got {Count}");
        }
    }

}

/// <param name="Targets">One per instance: the id, address and port a target group registers.</param>
/// <param name="Dead">Registered targets whose instance was dead and is replaced: to deregister (empty for a launch).</param>
/// <param name="Replaced">How many of <paramref name="Dead"/> there are, for the state machine's Choice.</param>
public sealed record LaunchInstancesOutput(string Service, string Label, IReadOnlyList<RouteTarget> Targets, IReadOnlyList<RouteTarget> Dead, int Replaced);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(LaunchInstancesInput))]
[JsonSerializable(typeof(LaunchInstancesOutput))]
public sealed partial class LaunchInstancesJson : JsonSerializerContext;
