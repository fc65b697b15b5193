namespace Pipeline.Core.Deploy;

/// <summary>
/// One deploy per service at a time: a lock in the registry that records the holding execution.
/// It is held while that execution runs and freed when it ends in any way: released by the run
/// itself, or taken over by the next contender once Step Functions says the holder is no longer
/// RUNNING (stopped, failed, timed out). The lease ends when the holder's execution must have
/// ended (its start plus the state machine's timeout): a backstop for when the status cannot be read.
/// </summary>
public sealed class DeployLock(IRegistry registry, IExecutionStatuses executions, TimeProvider? clock = null)
{
    public static readonly TimeSpan MinLease = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxLease = TimeSpan.FromHours(12);
    public const int MaxReasonLength = 500;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public static string LockName(string service) => "deploy/" + service;

    /// <summary>
    /// Takes (or, for the same owner, renews) the lock, or takes it over from a holder whose
    /// execution has ended; <see cref="LockHeldException"/> names the holder otherwise.
    /// </summary>
    /// <param name="owner">The execution's ARN: what a later contender asks Step Functions about.</param>
    /// <param name="lease">The state machine's timeout.</param>
    /// <param name="startedAt">When the execution started; the lease runs from there, so it ends when the execution must have.</param>
    public async Task<LockLease> AcquireAsync(string service, string owner, TimeSpan lease, DateTimeOffset? startedAt = null,
        CancellationToken cancel = default)
    {
        if (lease < MinLease || lease > MaxLease)
        {
            throw new InvalidInputException(
                $"leaseSeconds: must be between {MinLease.TotalSeconds:0} and {MaxLease.TotalSeconds:0}, got {lease.TotalSeconds:0}");
        }

        var name = LockName(service);
        var remaining = Remaining(lease, startedAt);
        if (await registry.TryAcquireLockAsync(name, owner, remaining, cancel) is { } taken)
        {
            return taken;
        }

        // The holder may have released between the two calls; the next retry will then succeed.
        var holder = await registry.GetLockAsync(name, cancel);
        if (holder is null)
        {
            throw new LockHeldException($"the deploy lock of {service} was held by another execution, which has just released it");
        }

        var held = $"the deploy lock of {service} is held by {holder.Owner} until {Format(holder.ExpiresAt)}";
        string? status;
        try
        {
            status = await executions.GetStatusAsync(holder.Owner, cancel);
        }
        catch (ExecutionStatusUnavailableException e)
        {
            throw new LockHeldException($"{held}; its status could not be read ({e.Message})");
        }

        if (status is null)
        {
            throw new LockHeldException($"{held}; Step Functions knows no such execution, so only the lease or `pipeline unlock` frees it");
        }

        if (!ExecutionStatuses.HasEnded(status))
        {
            throw new LockHeldException($"{held}; it is {status}");
        }

        return await registry.TakeOverLockAsync(name, holder.Owner, owner, remaining, cancel)
            ?? throw new LockHeldException($"the deploy lock of {service} was held by {holder.Owner}, which is {status}; another execution took it over first");
    }

    /// <summary>
    /// Gives the lock back. False when <paramref name="owner"/> no longer holds it (it was taken
    /// over or broken, or its lease ran out): nothing to release, and nothing else is touched.
    /// </summary>
    public Task<bool> ReleaseAsync(string service, string owner, CancellationToken cancel = default) =>
        registry.ReleaseLockAsync(LockName(service), owner, cancel);

    /// <summary>
    /// An operator breaks the lock whoever holds it, and the registry keeps who, why and when.
    /// Null when the lock is not held; <see cref="LockHeldException"/> when it changed hands while being
    /// broken (nothing changed then). Refuses an empty or unprintable reason before touching anything.
    /// </summary>
    public async Task<LockBreak?> BreakAsync(string service, string by, string reason, CancellationToken cancel = default)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength || reason.Any(char.IsControl))
        {
            throw new InvalidInputException(
                $"reason: must be 1 to {MaxReasonLength} characters of text on one line, saying why the lock is broken");
        }

        if (string.IsNullOrWhiteSpace(by) || by.Any(char.IsControl))
        {
            throw new InvalidInputException("by: must name who breaks the lock");
        }

        var name = LockName(service);
        if (await registry.GetLockAsync(name, cancel) is not { } holder)
        {
            return null;
        }

        var record = new LockBreak(name, holder.Owner, by.Trim(), reason.Trim(), _clock.GetUtcNow());
        if (await registry.BreakLockAsync(record, cancel))
        {
            return record;
        }

        // The holder changed between the read and the delete: the operator decided about the old one only.
        var now = await registry.GetLockAsync(name, cancel);
        throw new LockHeldException(now is null
            ? $"the deploy lock of {service} was released by {holder.Owner} while it was being broken; nothing was changed"
            : $"the deploy lock of {service} passed from {holder.Owner} to {now.Owner} while it was being broken; nothing was changed");
    }

    private TimeSpan Remaining(TimeSpan lease, DateTimeOffset? startedAt)
    {
        if (startedAt is not { } start)
        {
            return lease;
        }

        var left = start + lease - _clock.GetUtcNow();
        return left > lease ? lease : left < TimeSpan.Zero ? TimeSpan.Zero : left;
    }

    private static string Format(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);
}
