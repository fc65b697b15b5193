namespace Pipeline.Core.Routing;

/// <param name="LeaseTtl">Longer than any publication takes; a crashed publisher's lease expires after it.</param>
/// <param name="MaxWait">How long to wait for another publisher before giving up with RoutesBusy.</param>
public sealed record RoutesConfigPublisherOptions(TimeSpan LeaseTtl, TimeSpan MaxWait, TimeSpan RetryDelay)
{
    public static RoutesConfigPublisherOptions Default { get; } =
        new(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
}

/// <param name="Published">False when the rendered config equals the current one: nothing new was written.</param>
public sealed record PublishResult(bool Published, RoutesPointer Current);

/// <summary>
/// Publishes a config as <c>routes/haproxy/&lt;n&gt;.cfg</c> and moves the pointer to it.
/// Under the lease: take the snapshot (read the registry and render: a publisher that had to wait
/// renders what the publisher before it left, never what it saw before waiting), reserve n (never
/// reused, so config objects stay immutable), write the config, write the pointer, run the step
/// that must happen before anyone else reads (mark the version live), then commit the pointer to
/// the sequence and release. A publisher that crashes mid-way leaves at most an unreferenced config
/// object and a lease that expires.
/// </summary>
public sealed class RoutesConfigPublisher(IRoutesSequence sequence, IRoutesStore store, TimeProvider clock, RoutesConfigPublisherOptions options)
{
    /// <summary>Publishes a config rendered beforehand: for callers whose input does not depend on what other publishers do.</summary>
    public Task<PublishResult> PublishAsync(RenderedConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        return PublishAsync(_ => Task.FromResult(config), null, cancellationToken);
    }

    /// <param name="snapshot">Renders the config; runs only once the lease is held.</param>
    /// <param name="whileHeld">Runs after the pointer is written (or found current) and before the lease is released.</param>
    public async Task<PublishResult> PublishAsync(
        Func<CancellationToken, Task<RenderedConfig>> snapshot,
        Func<PublishResult, CancellationToken, Task>? whileHeld,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var lease = await AcquireAsync(cancellationToken);
        var committed = false;
        try
        {
            var config = await snapshot(cancellationToken);
            if (lease.Head is { } head && head.Sha256 == config.Sha256)
            {
                // Same bytes as the committed head. Re-assert the pointer in case the publisher
                // that committed it was interrupted, and publish nothing new.
                if (await store.GetPointerAsync(cancellationToken) != head)
                {
                    await store.PutPointerAsync(head, cancellationToken);
                }

                var unchanged = new PublishResult(false, head);
                await (whileHeld?.Invoke(unchanged, cancellationToken) ?? Task.CompletedTask);
                return unchanged;
            }

            var number = await sequence.ReserveNumberAsync(lease, cancellationToken);
            var key = RoutesKeys.Config(number);
            await store.PutConfigAsync(key, config.Text, cancellationToken);
            var pointer = new RoutesPointer(number, config.Sha256, key, lease.Head?.Revision);
            await store.PutPointerAsync(pointer, cancellationToken);
            var published = new PublishResult(true, pointer);
            try
            {
                await (whileHeld?.Invoke(published, cancellationToken) ?? Task.CompletedTask);
            }
            finally
            {
                // The pointer is out: the sequence must know it, even if the step after it failed,
                // or the next publisher would move the pointer back to a lower number.
                await sequence.CommitAsync(lease, pointer, cancellationToken);
                committed = true;
            }

            return published;
        }
        finally
        {
            if (!committed)
            {
                await sequence.ReleaseAsync(lease, CancellationToken.None);
            }
        }
    }

    private async Task<RoutesLease> AcquireAsync(CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid().ToString("N");
        var giveUpAt = clock.GetUtcNow() + options.MaxWait;
        while (true)
        {
            var now = clock.GetUtcNow();
            var lease = await sequence.TryAcquireAsync(token, now, options.LeaseTtl, cancellationToken);
            if (lease is not null)
            {
                return lease;
            }

            if (now >= giveUpAt)
            {
                throw new RoutesBusyException($"another publisher held the routes lease for more than {options.MaxWait.TotalSeconds:0.#} s");
            }

            // Jitter keeps contending publishers from retrying in lockstep.
            var delay = options.RetryDelay * (0.5 + Random.Shared.NextDouble());
            await Task.Delay(delay, clock, cancellationToken);
        }
    }
}
