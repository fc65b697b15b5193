using Lock = Pipeline.Core.Deploy.DeployLock;

namespace Pipeline.Functions.DeployLock;

/// <summary>The deploy machine's per-service lock: Pipeline.LockHeld while another running execution holds it.</summary>
public sealed class DeployLockHandler(Lock locks) : IFunctionHandler<DeployLockInput, DeployLockOutput>
{
    public async Task<DeployLockOutput> HandleAsync(DeployLockInput input, InvocationContext context)
    {
        var name = Lock.LockName(input.Service);
        if (input.Operation == DeployLockInput.Acquire)
        {
            var lease = await locks.AcquireAsync(input.Service, input.Owner,
                TimeSpan.FromSeconds(input.LeaseSeconds!.Value), input.StartedAt, context.CancellationToken);
            if (lease.TakenOverFrom is { } ended)
            {
                Console.WriteLine($"{context.RequestId} acquire {name} by {input.Owner}: taken over from {ended}, which had ended");
            }

            return new DeployLockOutput(lease.Name, lease.Owner, true, lease.ExpiresAt, false, lease.TakenOverFrom);
        }

        var released = await locks.ReleaseAsync(input.Service, input.Owner, context.CancellationToken);
        Console.WriteLine($"{context.RequestId} release {name} by {input.Owner}: {(released ? "released" : "not held")}");
        return new DeployLockOutput(name, input.Owner, false, null, released, null);
    }
}
