namespace Pipeline.Core.Registry;

/// <summary>
/// The pipeline's source of truth: services, their versions and counters, deploy locks, owned
/// tables and routes. Target groups, the HAProxy config and the scaler are projections of it.
/// Every write that can race is conditional; a lost race shows as a false/null result or as a
/// <see cref="RegistryConflictException"/>, never as a silent overwrite.
/// </summary>
public interface IRegistry
{
    Task<ServiceRecord?> GetServiceAsync(string service, CancellationToken cancel = default);

    Task<IReadOnlyList<ServiceRecord>> ListServicesAsync(CancellationToken cancel = default);

    /// <summary>
    /// Gives <paramref name="executionId"/> the service's next counter value, atomically. Asking
    /// again for the same execution returns the value it was given, as long as no other execution
    /// was given one in between (then <see cref="FindVersionByExecutionAsync"/> has the answer).
    /// </summary>
    Task<CounterAllocation> AllocateCountAsync(string service, string executionId, CancellationToken cancel = default);

    /// <summary>The counter's current value (0 before the first allocation).</summary>
    Task<long> GetCountAsync(string service, CancellationToken cancel = default);

    /// <summary>
    /// Writes a new version and points the service at it as its latest, unless the count is
    /// already taken (returns the existing record instead) or a higher count is already latest
    /// (the version is still written; the service keeps the higher one).
    /// </summary>
    Task<VersionRecord> RecordVersionAsync(VersionRecord version, CancellationToken cancel = default);

    Task<VersionRecord?> GetVersionAsync(string service, string label, CancellationToken cancel = default);

    Task<VersionRecord?> FindVersionByExecutionAsync(string service, string executionId, CancellationToken cancel = default);

    /// <summary>Every version of the service, newest (highest count) first.</summary>
    Task<IReadOnlyList<VersionRecord>> ListVersionsAsync(string service, CancellationToken cancel = default);

    Task<VersionRecord?> GetLiveVersionAsync(string service, CancellationToken cancel = default);

    /// <summary>
    /// Makes <paramref name="label"/> the live version if the live one is still
    /// <paramref name="expectedLive"/> (null: none yet); the previous live version becomes
    /// retired. Returns false when another deploy changed the live version first.
    /// </summary>
    Task<bool> MarkLiveAsync(string service, string label, string? expectedLive, CancellationToken cancel = default);

    /// <summary>
    /// Leaves the service with no live version if the live one is still <paramref name="expectedLive"/>,
    /// which becomes retired: the undo of a first deploy. False when the live version is another one.
    /// </summary>
    Task<bool> ClearLiveAsync(string service, string expectedLive, CancellationToken cancel = default);

    /// <summary>Sets a version's status if it is currently <paramref name="expected"/>; false otherwise.</summary>
    Task<bool> SetVersionStatusAsync(string service, string label, VersionStatus expected, VersionStatus status,
        CancellationToken cancel = default);

    /// <summary>Takes the lock if it is free, expired, or already held by <paramref name="owner"/> (which renews it).</summary>
    Task<LockLease?> TryAcquireLockAsync(string name, string owner, TimeSpan lease, CancellationToken cancel = default);

    /// <summary>Releases the lock if <paramref name="owner"/> holds it; false if someone else does or nobody does.</summary>
    Task<bool> ReleaseLockAsync(string name, string owner, CancellationToken cancel = default);

    Task<LockLease?> GetLockAsync(string name, CancellationToken cancel = default);

    /// <summary>
    /// Gives the lock to <paramref name="owner"/> if <paramref name="endedOwner"/> still holds it:
    /// the condition on the old holder lets only one of several contenders win. Null when the lock
    /// changed hands (or was released) since it was read.
    /// </summary>
    Task<LockLease?> TakeOverLockAsync(string name, string endedOwner, string owner, TimeSpan lease, CancellationToken cancel = default);

    /// <summary>
    /// Removes the lock if <see cref="LockBreak.Owner"/> still holds it and keeps <paramref name="record"/>;
    /// false (nothing written) when someone else holds it or nobody does.
    /// </summary>
    Task<bool> BreakLockAsync(LockBreak record, CancellationToken cancel = default);

    /// <summary>Every recorded break of the lock, oldest first.</summary>
    Task<IReadOnlyList<LockBreak>> ListLockBreaksAsync(string name, CancellationToken cancel = default);

    /// <summary>
    /// Claims the copy of an artifact to <paramref name="key"/> for <paramref name="executionId"/>, or
    /// returns the claim it already holds (with the digest once its copy completed). Fails with
    /// <see cref="RegistryConflictException"/> when another execution claimed the key.
    /// </summary>
    Task<ArtifactCopy> ClaimArtifactCopyAsync(string key, string executionId, CancellationToken cancel = default);

    /// <summary>Records the digest of a completed copy, if <see cref="ArtifactCopy.ExecutionId"/> still owns the claim.</summary>
    Task CompleteArtifactCopyAsync(ArtifactCopy copy, CancellationToken cancel = default);

    Task<OwnedTable?> GetOwnedTableAsync(string tableName, CancellationToken cancel = default);

    /// <summary>Every table the pipeline created for any service: what the scaler works on.</summary>
    Task<IReadOnlyList<OwnedTable>> ListOwnedTablesAsync(CancellationToken cancel = default);

    /// <summary>
    /// Records <paramref name="table"/> as owned by its service. Fails with
    /// <see cref="RegistryConflictException"/> naming the owner if another service owns it.
    /// </summary>
    Task PutOwnedTableAsync(OwnedTable table, CancellationToken cancel = default);

    Task<IReadOnlyList<RouteClaim>> ListRouteClaimsAsync(CancellationToken cancel = default);

    /// <summary>
    /// Claims each route key for the service. All-or-nothing: when one is owned by another service
    /// the claims made by this call are withdrawn and <see cref="RegistryConflictException"/> names it.
    /// </summary>
    Task ClaimRoutesAsync(string service, IReadOnlyList<string> routeKeys, CancellationToken cancel = default);

    /// <summary>Withdraws the service's claims on these route keys; a key claimed by another service, or by nobody, is left alone.</summary>
    Task ReleaseRoutesAsync(string service, IReadOnlyList<string> routeKeys, CancellationToken cancel = default);
}

/// <summary>A conditional write lost to a record another service or execution owns.</summary>
public sealed class RegistryConflictException(string message, string? owner = null) : Exception(message)
{
    /// <summary>The service that owns the contested item, when there is one.</summary>
    public string? Owner { get; } = owner;
}
