using Pipeline.Core.Manifest;

namespace Pipeline.Core.Deploy;

/// <summary>
/// Turns "deploy version X of service S" into a <see cref="ResolvedVersion"/>, reading only the
/// registry. The manifest comes from the version's own record, so a rollback deploys exactly what
/// that version declared, not what the latest commit declares. Target groups are named within
/// <paramref name="stack"/> (<see cref="TargetGroupNames"/>).
/// </summary>
public sealed class VersionResolver(IRegistry registry, string stack)
{
    public async Task<ResolvedVersion> ResolveAsync(string service, string label, CancellationToken cancel = default)
    {
        var version = await registry.GetVersionAsync(service, label, cancel)
            ?? throw new VersionNotFoundException(await DescribeMissingAsync(service, label, cancel));
        var manifest = ManifestParser.Parse(version.ManifestYaml, version.ManifestKey, service);
        var live = (await registry.GetServiceAsync(service, cancel))?.LiveLabel;
        string? previousGroup = null;
        if (live is not null && live != label)
        {
            var previous = await registry.GetVersionAsync(service, live, cancel);
            previousGroup = previous is null ? null : TargetGroupNames.For(stack, service, previous.Count);
        }

        var health = manifest.Health;
        return new ResolvedVersion(version)
        {
            Status = version.Status.ToString(),
            Port = manifest.Port,
            Health = new TargetHealthSettings(health.Path, health.IntervalSeconds, health.TimeoutSeconds,
                health.HealthyThreshold, health.UnhealthyThreshold),
            HealthDeadlineSeconds = HealthDeadline(health),
            InstanceCount = manifest.Instances.Count,
            TargetGroupName = TargetGroupNames.For(stack, service, version.Count),
            AlreadyLive = live == label,
            PreviousLabel = live == label ? null : live,
            PreviousTargetGroupName = previousGroup,
            Composite = manifest.IsComposite,
        };
    }

    /// <summary>The version's grace period (its boot allowance) plus twice the time the healthy threshold takes at the check interval.</summary>
    public static int HealthDeadline(HealthCheck health)
    {
        ArgumentNullException.ThrowIfNull(health);
        return health.GraceSeconds + (2 * health.IntervalSeconds * health.HealthyThreshold);
    }

    private async Task<string> DescribeMissingAsync(string service, string label, CancellationToken cancel)
    {
        var known = await registry.ListVersionsAsync(service, cancel);
        if (known.Count == 0)
        {
            return $"{service} has no recorded versions, so version '{label}' cannot be deployed";
        }

        var recent = string.Join(", ", known.Take(5).Select(v => v.Label));
        return $"{service} has no recorded version '{label}'; its most recent versions are {recent}";
    }
}
