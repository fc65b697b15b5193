namespace Pipeline.Core.Deploy;

/// <summary>
/// What the deploy steps after the tag step need to know about the version being deployed: its
/// record, what its own service.yaml says about instances and health, and the version it replaces.
/// Build and redeploy runs both produce it, so every later state reads one shape.
/// </summary>
/// <param name="Status">The version's status before this deploy: Recorded, Live, Retired or Failed.</param>
/// <param name="HealthDeadlineSeconds">How long the new targets get to become healthy.</param>
/// <param name="TargetGroupName">The ELBv2 target group of this version.</param>
/// <param name="AlreadyLive">True when the version already serves: a redeploy would change nothing.</param>
/// <param name="PreviousLabel">The live version this deploy replaces; null on a service's first deploy.</param>
/// <param name="PreviousTargetGroupName">Its target group; null with <paramref name="PreviousLabel"/>.</param>
public sealed record ResolvedVersion(
    string Service,
    string Label,
    long Count,
    string Commit,
    string ArtifactKey,
    string ManifestKey,
    string ManifestHash,
    string Status,
    int Port,
    TargetHealthSettings Health,
    int HealthDeadlineSeconds,
    int InstanceCount,
    string TargetGroupName,
    bool AlreadyLive,
    string? PreviousLabel,
    string? PreviousTargetGroupName)
{
    /// <summary>Only compositions (no build, instances or tables): the deploy goes straight to publishing its routes.</summary>
    public bool Composite { get; init; }
}

/// <summary>The version's health check, in the units ELBv2 target groups take.</summary>
public sealed record TargetHealthSettings(
    string Path,
    int IntervalSeconds,
    int TimeoutSeconds,
    int HealthyThreshold,
    int UnhealthyThreshold);
