using Pipeline.Core.Fleet;

namespace Pipeline.Functions.Rollback;

/// <summary>The compensation after a failed launch, health gate or route switch. Safe to run twice.</summary>
public sealed class RollbackHandler(DeployRollback rollback) : IFunctionHandler<RollbackInput, RollbackOutput>
{
    public async Task<RollbackOutput> HandleAsync(RollbackInput input, InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        Console.WriteLine($"{context.RequestId} rolling back {input.Service} {input.Label} to {input.PreviousLabel ?? "nothing"}: {input.Error}: {input.Cause}");
        var result = await rollback.RollBackAsync(input.Service, input.Label, input.PreviousLabel, input.ExecutionId, context.CancellationToken);
        Console.WriteLine($"{context.RequestId} {input.Service}: live={result.LiveLabel ?? "none"} routes v{result.RoutesVersion} "
            + $"(published={result.RoutesPublished}) terminated=[{string.Join(", ", result.Terminated)}] {input.Label} is {result.Status}");
        return new RollbackOutput(input.Service, input.Label, result.RolledBack, result.Terminated, result.LiveLabel, result.RoutesVersion,
            result.RoutesPublished, result.Status);
    }
}
