using Pipeline.Core.Deploy;

namespace Pipeline.Functions.RoutesConverged;

/// <summary>
/// One look at the routers' reports; the state machine's Wait/Choice loop does the waiting, so
/// the function never sleeps on Lambda time.
/// </summary>
public sealed class RoutesConvergedHandler(RouterConvergence convergence, int minRouters)
    : IFunctionHandler<RoutesConvergedInput, ConvergenceResult>
{
    public async Task<ConvergenceResult> HandleAsync(RoutesConvergedInput input, InvocationContext context)
    {
        var result = await convergence.CheckAsync(input.RoutesVersion, minRouters, context.CancellationToken);
        Console.WriteLine($"{context.RequestId} routes {input.RoutesVersion}: {result.Routers} routers, " +
            (result.Converged ? "converged" : "waiting for " + string.Join("; ", result.Pending)));
        return result;
    }
}
