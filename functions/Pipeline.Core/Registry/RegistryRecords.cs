namespace Pipeline.Core.Registry;

/// <summary>A service the pipeline knows, with the manifest of its latest recorded version.</summary>
/// <param name="Name">Service name (the manifest's <c>name</c>).</param>
/// <param name="ManifestYaml">service.yaml of the latest recorded version, verbatim.</param>
/// <param name="ManifestHash">SHA-256 (hex) of <paramref name="ManifestYaml"/>.</param>
/// <param name="LatestLabel">Label of the version with the highest count recorded so far.</param>
/// <param name="LatestCount">Its count; it never goes back.</param>
/// <param name="LiveLabel">Label of the version serving traffic, null before the first deploy.</param>
/// <param name="UpdatedAt">When this record last changed.</param>
public sealed record ServiceRecord(
    string Name,
    string ManifestYaml,
    string ManifestHash,
    string LatestLabel,
    long LatestCount,
    string? LiveLabel,
    DateTimeOffset UpdatedAt);

/// <summary>One recorded version of a service, as the registry keeps it.</summary>
public sealed record VersionRecord : VersionIdentity
{
    public VersionRecord(VersionIdentity identity)
        : base(identity)
    {
    }

    /// <summary>A version as the tag step records it: status Recorded since <paramref name="at"/>.</summary>
    public static VersionRecord Recorded(
        VersionIdentity identity, string manifestYaml, string executionId, DateTimeOffset at,
        string? artifactSha256 = null, string? artifactVersionId = null) => new(identity)
    {
        ManifestYaml = manifestYaml,
        ExecutionId = executionId,
        RecordedAt = at,
        Status = VersionStatus.Recorded,
        StatusChangedAt = at,
        ArtifactSha256 = artifactSha256,
        ArtifactVersionId = artifactVersionId,
    };

    /// <summary>The version's service.yaml, so a rollback deploys exactly what it declared.</summary>
    public required string ManifestYaml { get; init; }

    /// <summary>The pipeline execution that recorded it (re-runs of it return this record).</summary>
    public required string ExecutionId { get; init; }

    public required DateTimeOffset RecordedAt { get; init; }

    public required VersionStatus Status { get; init; }

    public required DateTimeOffset StatusChangedAt { get; init; }

    /// <summary>
    /// Hex SHA-256 of the artifact as it was copied to <see cref="VersionIdentity.ArtifactKey"/>: an instance
    /// refuses to start anything else. Null only for versions recorded before digests were kept.
    /// </summary>
    public string? ArtifactSha256 { get; init; }

    /// <summary>The S3 version id of the copy, when the bucket keeps versions.</summary>
    public string? ArtifactVersionId { get; init; }
}

/// <summary>
/// Where a version is in its life: recorded by the tag step, live while serving, retired when a
/// newer version went live, failed when its deployment did not finish.
/// </summary>
public enum VersionStatus
{
    Recorded,
    Live,
    Retired,
    Failed,
}

/// <summary>A counter value handed to one execution.</summary>
/// <param name="Count">The allocated value.</param>
/// <param name="Reused">True when this execution had already been given it (a retry), false when newly allocated.</param>
public sealed record CounterAllocation(long Count, bool Reused);

/// <summary>A deploy lock held until <paramref name="ExpiresAt"/> unless released or renewed.</summary>
/// <param name="Owner">The holding execution's ARN.</param>
/// <param name="TakenOverFrom">The previous holder, when this lease was taken over from an execution that had ended.</param>
public sealed record LockLease(string Name, string Owner, DateTimeOffset AcquiredAt, DateTimeOffset ExpiresAt, string? TakenOverFrom = null);

/// <summary>An operator broke a deploy lock: kept in the registry as the record of who, why and when.</summary>
/// <param name="Owner">The execution that held the lock when it was broken.</param>
/// <param name="By">Who broke it (the operator's user and host).</param>
public sealed record LockBreak(string Name, string Owner, string By, string Reason, DateTimeOffset At);

/// <summary>
/// A DynamoDB table created for a service, as the scaler needs it. Indexes share the table's bounds.
/// </summary>
/// <param name="TableName">Physical table name.</param>
/// <param name="LogicalName">The name in the service's manifest.</param>
/// <param name="Indexes">Names of its global secondary indexes.</param>
/// <param name="OnDemand">True for on-demand tables, which the scaler leaves alone.</param>
public sealed record OwnedTable(
    string TableName,
    string Service,
    string LogicalName,
    IReadOnlyList<string> Indexes,
    bool OnDemand,
    long MinRead,
    long MaxRead,
    long MinWrite,
    long MaxWrite,
    int TargetUtilization)
{
    /// <summary>Value equality including the index list, so a rewrite happens only on a real change.</summary>
    public bool SameAs(OwnedTable other) =>
        this with { Indexes = [] } == other with { Indexes = [] } && Indexes.SequenceEqual(other.Indexes);
}

/// <summary>Which live service routes a route key (<see cref="Routing.RouteClaims.KeyOf(string?, string?)"/>).</summary>
public sealed record RouteClaim(string RouteKey, string Service);

/// <summary>
/// The copy of a build's artifact to a version's immutable key, owned by the execution that
/// recorded the version: the registry's conditional write is what keeps a key from being written
/// twice (S3 emulators ignore conditional PUTs). The digest is set once the copy is complete.
/// </summary>
public sealed record ArtifactCopy(string Key, string ExecutionId, string? Sha256 = null, long? Size = null, string? VersionId = null);
