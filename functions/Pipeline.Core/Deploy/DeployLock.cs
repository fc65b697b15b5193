using System.Globalization;
using Pipeline.Core.Errors;
using Pipeline.Core.Registry;

namespace Pipeline.Core.Deploy;

/// <summary>
/// One deploy per service at a time: a lease in the registry, taken and released by conditional
/// writes. The lease outlives any execution, so a lock whose holder died frees itself.
/// </summary>
public sealed class DeployLock(IRegistry registry)
{
    public static readonly TimeSpan MinLease = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxLease = TimeSpan.FromHours(12);

    public static string LockName(string service) => "deploy/" + service;

    /// <summary>Takes (or, for the same owner, renews) the lock; <see cref="LockHeldException"/> names the holder otherwise.</summary>
    public async Task<LockLease> AcquireAsync(string service, string owner, TimeSpan lease, CancellationToken cancel = default)
    {
        if (lease < MinLease || lease > MaxLease)
        {
            throw new InvalidInputException(
                $"leaseSeconds: must be between {MinLease.TotalSeconds:0} and {MaxLease.TotalSeconds:0}, got {lease.TotalSeconds:0}");
        }

        var name = LockName(service);
        if (await registry.TryAcquireLockAsync(name, owner, lease, cancel) is { } taken)
        {
            return taken;
        }

        // The holder may have released between the two calls; the next retry will then succeed.
        var holder = await registry.GetLockAsync(name, cancel);
        var who = holder is null
            ? "another execution (it has just released it)"
            : $"{holder.Owner} until {holder.ExpiresAt.ToString("O", CultureInfo.InvariantCulture)}";
        throw new LockHeldException($"the deploy lock of {service} is held by {who}");
    }

    /// <summary>
    /// Gives the lock back. False when <paramref name="owner"/> no longer holds it (its lease ran
    /// out and maybe another run took it): nothing to release, and nothing else is touched.
    /// </summary>
    public Task<bool> ReleaseAsync(string service, string owner, CancellationToken cancel = default) =>
        registry.ReleaseLockAsync(LockName(service), owner, cancel);
}
