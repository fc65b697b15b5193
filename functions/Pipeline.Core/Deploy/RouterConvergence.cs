namespace Pipeline.Core.Deploy;

/// <summary>
/// One router's last report, as its agent writes it to <c>routes/status/&lt;node&gt;.json</c>.
/// <see cref="Problem"/> is set instead of the versions when the report could not be read.
/// <see cref="Stored"/> is when the store received it (S3's LastModified), which the router's own
/// clock cannot skew; <see cref="PollInterval"/> is how often the agent re-reports.
/// </summary>
public sealed record RouterReport(
    string Node,
    long? AppliedVersion,
    long? RejectedVersion,
    string? LastError,
    DateTimeOffset? Time,
    string? Problem = null,
    DateTimeOffset? Stored = null,
    TimeSpan? PollInterval = null);

/// <summary>
/// When a router counts as alive: it re-reports every poll, so a report older than
/// <see cref="MissedPolls"/> of its poll intervals belongs to a router that stopped (scale-in,
/// replacement, crash). <see cref="DefaultPollInterval"/> applies to a report that does not say
/// its interval (agents before the heartbeat); <see cref="Slack"/> covers S3's whole-second
/// LastModified and the clocks of the store and the function.
/// </summary>
public sealed record RouterLiveness(int MissedPolls = RouterLiveness.DefaultMissedPolls)
{
    public const int DefaultMissedPolls = 3;
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);

    public TimeSpan Window(RouterReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return (report.PollInterval ?? DefaultPollInterval) * MissedPolls + Slack;
    }

    /// <summary>True when the router reported within its window; a report with no time at all is not alive.</summary>
    public bool IsAlive(RouterReport report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        return (report.Stored ?? report.Time) is { } at && now - at <= Window(report);
    }
}

/// <summary>Where the routers' reports are kept.</summary>
public interface IRouterStatusSource
{
    Task<IReadOnlyList<RouterReport>> ListAsync(CancellationToken cancel = default);
}

/// <param name="Converged">True when enough routers report and each applied at least the routes version.</param>
/// <param name="Routers">How many routers reported within their liveness window.</param>
/// <param name="Pending">Routers still behind, each as "node: why".</param>
public sealed record ConvergenceResult(long RoutesVersion, bool Converged, int Routers, IReadOnlyList<string> Pending);

/// <summary>
/// Decides whether every router applied a routes version. A router that applied a later one has
/// converged too: versions only grow, and each publication reads the registry, renders and marks its
/// version live under the routes lease, so a later version was rendered from a registry in which
/// this switch was already live and routes the service to it as well (until this same deploy, which
/// holds the service's deploy lock, changes it again). A router that refused this very version will
/// not apply it on its own: that is an error now, not a timeout later. Only live routers count
/// (<see cref="RouterLiveness"/>): the last report of a router that was replaced stays in the
/// bucket, and must not hold every later deploy.
/// </summary>
public sealed class RouterConvergence(IRouterStatusSource source, RouterLiveness liveness, TimeProvider clock)
{
    public async Task<ConvergenceResult> CheckAsync(long routesVersion, int minRouters, CancellationToken cancel = default)
    {
        if (routesVersion < 1)
        {
            throw new InvalidInputException($"routesVersion: must be a published routes version (1 or more), got {routesVersion}");
        }

        var now = clock.GetUtcNow();
        var reports = (await source.ListAsync(cancel))
            .Where(r => liveness.IsAlive(r, now))
            .OrderBy(r => r.Node, StringComparer.Ordinal)
            .ToList();
        var rejected = reports
            .Where(r => r.RejectedVersion == routesVersion && (r.AppliedVersion ?? 0) < routesVersion)
            .Select(r => $"{r.Node}: {r.LastError ?? "no reason given"}")
            .ToList();
        if (rejected.Count > 0)
        {
            throw new RoutesRejectedException(
                $"routes version {Text(routesVersion)} was rejected by {string.Join("; ", rejected)}");
        }

        var pending = reports.Select(r => Behind(r, routesVersion)).OfType<string>().ToList();
        if (reports.Count < minRouters)
        {
            pending.Add($"only {reports.Count} of at least {minRouters} routers have reported");
        }

        return new ConvergenceResult(routesVersion, pending.Count == 0, reports.Count, pending);
    }

    private static string? Behind(RouterReport report, long routesVersion) =>
        report.Problem is { } problem ? $"{report.Node}: {problem}"
        : report.AppliedVersion is null ? $"{report.Node}: has applied no routes yet"
        : report.AppliedVersion < routesVersion ? $"{report.Node}: runs version {Text(report.AppliedVersion.Value)}"
        : null;

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
