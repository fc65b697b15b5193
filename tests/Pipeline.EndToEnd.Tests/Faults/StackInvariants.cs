using Pipeline.Core.Deploy;

namespace Pipeline.EndToEnd.Tests.Faults;

/// <summary>One invariant, whether it held, and what was seen.</summary>
internal sealed record Invariant(string Name, bool Held, string Seen);

/// <summary>Every invariant of one service after a fault; <see cref="Violated"/> names those that did not hold.</summary>
internal sealed record InvariantReport(IReadOnlyList<Invariant> Invariants)
{
    public IReadOnlyList<string> Violated => [.. Invariants.Where(i => !i.Held).Select(i => i.Name)];

    public override string ToString() =>
        string.Join("; ", Invariants.Select(i => $"{i.Name}: {(i.Held ? "held" : "VIOLATED")} ({i.Seen})"));
}

/// <summary>
/// What must hold for a service whatever died: the live version routed and healthy, labels
/// without duplicates or gaps, the deploy lock free, no instance outside the live version, no
/// route to an instance that is not running, and the registry and the routes in S3 agreeing (and
/// the router having applied them). Read from outside, as an operator would.
/// </summary>
internal static partial class StackInvariants
{
    public const string LiveRouted = "live version routed";
    public const string LiveHealthy = "live version healthy";
    public const string Labels = "labels without duplicate or gap";
    public const string LockFree = "lock free";
    public const string NoOrphanInstance = "no orphaned instance";
    public const string NoDeadRoute = "no route to a stopped instance";
    public const string RoutesAgree = "registry and S3 routes agree";

    public static async Task<InvariantReport> CheckAsync(StackProbe probe, string service, int instanceCount)
    {
        var record = await probe.Registry.GetServiceAsync(service);
        var live = record?.LiveLabel;
        var versions = await probe.Registry.ListVersionsAsync(service);
        var instances = await probe.InstancesAsync(service);
        var running = instances.Where(i => (string?)i["state"] == "running").ToList();
        var (published, config) = await probe.PublishedRoutesAsync();
        var applied = await probe.AppliedRoutesVersionAsync();
        string? answered;
        try
        {
            answered = await probe.VersionThroughFrontAsync("/" + service + "/version");
        }
        catch (HttpRequestException e)
        {
            answered = e.Message;
        }

        var routedPorts = ServerLine().Matches(BackendOf(config, service)).Select(m => int.Parse(m.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var runningPorts = running.Select(i => (int)i["port"]!).ToHashSet();
        var counts = versions.Select(v => v.Count).Order().ToList();
        var lease = await probe.Registry.GetLockAsync(DeployLock.LockName(service));
        var liveRunning = running.Count(i => (string?)i["version"] == live);
        var others = running.Where(i => (string?)i["version"] != live).Select(i => $"{i["instanceId"]} ({i["version"]})").ToList();
        var deadRoutes = routedPorts.Where(p => !runningPorts.Contains(p)).ToList();

        return new InvariantReport(
        [
            new(LiveRouted, live is not null && answered == live && config.Contains($"live version {live}", StringComparison.Ordinal),
                $"registry {live ?? "none"}, front answers {answered}"),
            new(LiveHealthy, live is not null && liveRunning == instanceCount, $"{liveRunning} of {instanceCount} instances running"),
            new(Labels, counts.Distinct().Count() == counts.Count && (counts.Count == 0 || counts[^1] - counts[0] + 1 == counts.Count)
                && versions.Select(v => v.Label).Distinct(StringComparer.Ordinal).Count() == versions.Count
                && versions.Count(v => v.Status == VersionStatus.Live) == (live is null ? 0 : 1),
                $"counts {string.Join(',', counts)}"),
            new(LockFree, lease is null || lease.ExpiresAt <= DateTimeOffset.UtcNow, lease is null ? "no lease" : $"held by {lease.Owner}"),
            new(NoOrphanInstance, others.Count == 0, others.Count == 0 ? "none" : string.Join(", ", others)),
            new(NoDeadRoute, routedPorts.Count > 0 && deadRoutes.Count == 0,
                $"{routedPorts.Count} routed, {(deadRoutes.Count == 0 ? "all running" : "not running: port " + string.Join(", ", deadRoutes))}"),
            new(RoutesAgree, applied == published && record is not null && live is not null
                && config.Contains($"# service {service}, live version {live},", StringComparison.Ordinal),
                $"published {published}, applied {applied}"),
        ]);
    }

    /// <summary>The lines of the service's backend in the published config.</summary>
    private static string BackendOf(string config, string service)
    {
        var start = config.IndexOf($"\nbackend svc_{service}\n", StringComparison.Ordinal);
        if (start < 0)
        {
            return "";
        }

        var end = config.IndexOf("\n\n", start + 1, StringComparison.Ordinal);
        return end < 0 ? config[start..] : config[start..end];
    }

    [GeneratedRegex(@"\n    server \S+ [0-9.]+:(?<port>[0-9]+) check")]
    private static partial Regex ServerLine();
}
