using Pipeline.Core.Errors;

namespace Pipeline.Core.Routing;

/// <param name="LeaseTtl">Longer than any publication takes; a crashed publisher's lease expires after it.</param>
/// <param name="MaxWait">How long to wait for another publisher before giving up with RoutesBusy.</param>
public sealed record RoutesPublisherOptions(TimeSpan LeaseTtl, TimeSpan MaxWait, TimeSpan RetryDelay)
{
    public static RoutesPublisherOptions Default { get; } =
        new(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
}

/// <param name="Published">False when the rendered config equals the current one: nothing new was written.</param>
public sealed record PublishResult(bool Published, RoutesPointer Current);

/// <summary>
/// Publishes a rendered config as <c>routes/haproxy/&lt;n&gt;.cfg</c> and moves the pointer to it.
/// Under the lease: reserve n (never reused, so config objects stay immutable), write the config,
/// write the pointer, then commit the pointer to the sequence and release. A publisher that
/// crashes mid-way leaves at most an unreferenced config object and a lease that expires.
/// </summary>
public sealed class RoutesPublisher(IRoutesSequence sequence, IRoutesStore store, TimeProvider clock, RoutesPublisherOptions options)
{
    public async Task<PublishResult> PublishAsync(RenderedConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var lease = await AcquireAsync(cancellationToken);
        var committed = false;
        try
        {
            if (lease.Head is { } head && head.Sha256 == config.Sha256)
            {
                // Same bytes as the committed head. Re-assert the pointer in case the publisher
                // that committed it was interrupted, and publish nothing new.
                if (await store.GetPointerAsync(cancellationToken) != head)
                {
                    await store.PutPointerAsync(head, cancellationToken);
                }

                return new PublishResult(false, head);
            }

            var number = await sequence.ReserveNumberAsync(lease, cancellationToken);
            var key = RoutesKeys.Config(number);
            await store.PutConfigAsync(key, config.Text, cancellationToken);
            var pointer = new RoutesPointer(number, config.Sha256, key, lease.Head?.Revision);
            await store.PutPointerAsync(pointer, cancellationToken);
            await sequence.CommitAsync(lease, pointer, cancellationToken);
            committed = true;
            return new PublishResult(true, pointer);
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
