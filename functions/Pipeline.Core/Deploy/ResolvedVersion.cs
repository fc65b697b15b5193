using Pipeline.Core.Registry;

namespace Pipeline.Core.Deploy;

/// <summary>
/// What the deploy steps after the tag step need to know about the version being deployed: its
/// record, what its own service.yaml says about instances and health, and the version it replaces.
/// Build and redeploy runs both produce it, so every later state reads one shape.
/// </summary>
public sealed record ResolvedVersion : VersionIdentity
{
    public ResolvedVersion(VersionIdentity version)
        : base(version)
    {
    }

    /// <summary>The version's status before this deploy: Recorded, Live, Retired or Failed.</summary>
    public required string Status { get; init; }

    public required int Port { get; init; }

    public required TargetHealthSettings Health { get; init; }

    /// <summary>How long the new targets get to become healthy.</summary>
    public required int HealthDeadlineSeconds { get; init; }

    public required int InstanceCount { get; init; }

    /// <summary>The ELBv2 target group of this version.</summary>
    public required string TargetGroupName { get; init; }

    /// <summary>True when the version already serves: a redeploy would change nothing.</summary>
    public required bool AlreadyLive { get; init; }

    /// <summary>The live version this deploy replaces; null on a service's first deploy.</summary>
    public required string? PreviousLabel { get; init; }

    /// <summary>Its target group; null with <see cref="PreviousLabel"/>.</summary>
    public required string? PreviousTargetGroupName { get; init; }

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
