using Pipeline.Core.Fleet;

namespace Pipeline.Functions.LaunchInstances;

/// <summary>The launch step: a version's instances up, their targets out.</summary>
public sealed class LaunchInstancesHandler(InstanceLauncher launcher) : IFunctionHandler<LaunchInstancesInput, LaunchInstancesOutput>
{
    public async Task<LaunchInstancesOutput> HandleAsync(LaunchInstancesInput input, InvocationContext context)
    {
        var targets = await launcher.LaunchAsync(input.Service, input.Label, input.ArtifactKey, input.Count, input.ExecutionId,
            context.CancellationToken);
        Console.WriteLine($"{context.RequestId} {input.Service} {input.Label}: {string.Join(", ", targets.Select(t => $"{t.Id} {t.Address}:{t.Port}"))}");
        return new LaunchInstancesOutput(input.Service, input.Label, targets);
    }
}
