using Pipeline.Core.Manifest;
using Pipeline.Core.Routing;

namespace Pipeline.Core.Fleet;

/// <summary>
/// Starts a version's instances as its own service.yaml declares them (count, port, start command,
/// environment) and answers the targets to register. Running it again for the same version reuses
/// the instances that are already up instead of starting more, so a retried step never doubles
/// the fleet. <c>issuer</c> is the stack's token issuer, which every instance is told.
/// </summary>
public sealed class InstanceLauncher(IRegistry registry, IInstanceFleet fleet, string tablePrefix, Configuration.AuthIssuerSettings? issuer = null)
{
    public async Task<IReadOnlyList<RouteTarget>> LaunchAsync(
        string service, string label, string artifactKey, int count, string executionId, CancellationToken cancel = default) =>
        (await LaunchAsync(service, label, artifactKey, count, executionId, [], cancel)).Targets;

    /// <summary>
    /// While the deploy waits for health: the <paramref name="registered"/> targets whose instance is no
    /// longer up (stopped: its process exited; or terminated) are replaced, launched the same way as
    /// the others, and any stopped one is terminated, so the version never goes live with a dead
    /// instance. Answers the targets to serve and the dead ones to deregister (none when all are up).
    /// Retried after a lost answer, it finds the replacements up and launches nothing more.
    /// </summary>
    public async Task<InstanceReplacement> ReplaceDeadAsync(
        string service, string label, string artifactKey, int count, string executionId,
        IReadOnlyList<RouteTarget> registered, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(registered);
        var found = await fleet.FindAsync(service, label, cancel);
        var stopped = found.Where(i => !i.IsUp && !i.IsGone).Select(i => i.InstanceId).ToList();
        if (stopped.Count > 0)
        {
            await fleet.TerminateAsync(stopped, cancel);
        }

        var up = found.Where(i => i.IsUp).Select(i => i.InstanceId).ToHashSet(StringComparer.Ordinal);
        var dead = registered.Where(t => !up.Contains(t.Id)).ToList();
        if (dead.Count == 0 && up.Count >= count)
        {
            return new InstanceReplacement(registered, []);
        }

        // The dead instances' ids make the launch's idempotency token differ from the first launch's.
        var replaced = await LaunchAsync(service, label, artifactKey, count, executionId,
            [.. dead.Select(t => t.Id).Union(stopped, StringComparer.Ordinal)], cancel);
        return replaced with { Dead = dead };
    }

    private async Task<InstanceReplacement> LaunchAsync(
        string service, string label, string artifactKey, int count, string executionId, IReadOnlyList<string> replacing, CancellationToken cancel)
    {
        var version = await registry.GetVersionAsync(service, label, cancel)
            ?? throw new VersionNotFoundException($"{service} has no recorded version '{label}' to launch");
        if (version.ArtifactKey != artifactKey)
        {
            throw new LaunchFailedException(
                $"{service} {label}: asked to launch {artifactKey}, but the version's artifact is {version.ArtifactKey}");
        }

        // Without the digest an instance could only run whatever the key holds now.
        if (version.ArtifactSha256 is not { Length: 64 } digest || !digest.All(char.IsAsciiHexDigitLower))
        {
            throw new LaunchFailedException(
                $"{service} {label}: the version records no artifact digest (recorded before digests were kept); record it again with a new build");
        }

        var manifest = ManifestParser.Parse(version.ManifestYaml, version.ManifestKey, service);
        var up = (await fleet.FindAsync(service, label, cancel)).Where(i => i.IsUp).ToList();
        if (up.Count < count)
        {
            var launched = await fleet.LaunchAsync(
                new InstanceLaunch(service, label, artifactKey, digest, count - up.Count, manifest.Port, manifest.Start,
                    InstanceEnvironment.For(manifest, label, tablePrefix, issuer), executionId)
                {
                    Secrets = InstanceEnvironment.Secrets(manifest, tablePrefix),
                    Replacing = replacing,
                },
                cancel);
            if (launched.Count != count - up.Count)
            {
                throw new LaunchFailedException(
                    $"{service} {label}: asked the fleet for {count - up.Count} instances, it started {launched.Count}");
            }

            up.AddRange(launched);
        }

        return new InstanceReplacement([.. up.Take(count).Select(i => new RouteTarget(i.InstanceId, i.Address, i.Port))], []);
    }
}

/// <summary>What <see cref="InstanceLauncher.ReplaceDeadAsync"/> found and did.</summary>
/// <param name="Targets">The version's targets now: the ones still up and the replacements.</param>
/// <param name="Dead">Registered targets whose instance was no longer up: to deregister; empty when nothing was replaced.</param>
public sealed record InstanceReplacement(IReadOnlyList<RouteTarget> Targets, IReadOnlyList<RouteTarget> Dead);
