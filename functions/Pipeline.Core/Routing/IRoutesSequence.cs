namespace Pipeline.Core.Routing;

/// <summary>
/// The one item that serializes route publishers: a lease, the last config number ever reserved and
/// the pointer last committed. S3 cannot refuse a stale overwrite, so every S3 write happens under
/// this lease, and every write to the item is conditional on still holding it.
/// </summary>
public interface IRoutesSequence
{
    /// <summary>Takes the lease if nobody holds it or the holder's lease expired; null if it is held.</summary>
    Task<RoutesLease?> TryAcquireAsync(string token, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Reserves the next config number; a number is never handed out twice, even after a crash.</summary>
    /// <exception cref="Errors.RoutesLeaseLostException">The lease is no longer held.</exception>
    Task<long> ReserveNumberAsync(RoutesLease lease, CancellationToken cancellationToken);

    /// <summary>Records <paramref name="current"/> as current and releases the lease in one conditional write.</summary>
    /// <exception cref="Errors.RoutesLeaseLostException">The lease is no longer held.</exception>
    Task CommitAsync(RoutesLease lease, RoutesPointer current, CancellationToken cancellationToken);

    /// <summary>Gives the lease back without changing anything; does nothing if it is no longer held.</summary>
    Task ReleaseAsync(RoutesLease lease, CancellationToken cancellationToken);
}

/// <param name="Token">Unique to one acquisition; every conditional write names it.</param>
/// <param name="Head">The pointer last committed, null before the first publication.</param>
public sealed record RoutesLease(string Token, RoutesPointer? Head);

/// <summary>Where configs and the pointer live (S3). Config objects are written once and never changed.</summary>
public interface IRoutesStore
{
    Task PutConfigAsync(string key, string text, CancellationToken cancellationToken);

    Task<RoutesPointer?> GetPointerAsync(CancellationToken cancellationToken);

    Task PutPointerAsync(RoutesPointer current, CancellationToken cancellationToken);
}
