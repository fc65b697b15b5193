using Pipeline.Core.Fleet;

namespace Pipeline.Functions.LaunchInstances;

/// <summary>The launch step: a version's instances up, their targets out; while health is awaited, dead ones replaced.</summary>
public sealed class LaunchInstancesHandler(InstanceLauncher launcher) : IFunctionHandler<LaunchInstancesInput, LaunchInstancesOutput>
{
    public async Task<LaunchInstancesOutput> HandleAsync(LaunchInstancesInput input, InvocationContext context)
    {
        var launched = input.Registered is { } registered
            ? await launcher.ReplaceDeadAsync(input.Service, input.Label, input.ArtifactKey, input.Count, input.ExecutionId, registered,
                context.CancellationToken)
            : new InstanceReplacement(await launcher.LaunchAsync(input.Service, input.Label, input.ArtifactKey, input.Count, input.ExecutionId,
                context.CancellationToken), []);
        Console.WriteLine($"{context.RequestId} {input.Service} {input.Label}: {string.Join(", ", launched.Targets.Select(t => $"{t.Id} {t.Address}:{t.Port}"))}"
            + (launched.Dead.Count > 0 ? $"; replaced dead {string.Join(", ", launched.Dead.Select(t => t.Id))}" : ""));
        return new LaunchInstancesOutput(input.Service, input.Label, launched.Targets, launched.Dead, launched.Dead.Count);
    }
}
