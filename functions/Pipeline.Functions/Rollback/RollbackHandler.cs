using Pipeline.Core.Fleet;

namespace Pipeline.Functions.Rollback;

/// <summary>The compensation after a failed launch, health gate or route switch. Safe to run twice.</summary>
public sealed class RollbackHandler(DeployRollback rollback) : IFunctionHandler<RollbackInput, RollbackResult>
{
    public async Task<RollbackResult> HandleAsync(RollbackInput input, InvocationContext context)
    {
        Console.WriteLine($"{context.RequestId} rolling back {input.Service} {input.Label} to {input.PreviousLabel ?? "nothing"}: {input.Error}: {input.Cause}");
        var result = await rollback.RollBackAsync(input.Service, input.Label, input.PreviousLabel, input.ExecutionId, context.CancellationToken);
        Console.WriteLine($"{context.RequestId} {input.Service}: live={result.LiveLabel ?? "none"} routes v{result.RoutesVersion} "
            + $"(published={result.RoutesPublished}) terminated=[{string.Join(", ", result.Terminated)}] {input.Label} is {result.Status}");
        return result;
    }
}
