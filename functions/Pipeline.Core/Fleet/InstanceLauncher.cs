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
        string service, string label, string artifactKey, int count, string executionId, CancellationToken cancel = default)
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
                },
                cancel);
            if (launched.Count != count - up.Count)
            {
                throw new LaunchFailedException(
                    $"{service} {label}: asked the fleet for {count - up.Count} instances, it started {launched.Count}");
            }

            up.AddRange(launched);
        }

        return [.. up.Take(count).Select(i => new RouteTarget(i.InstanceId, i.Address, i.Port))];
    }
}
