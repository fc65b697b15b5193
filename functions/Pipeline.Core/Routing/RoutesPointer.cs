namespace Pipeline.Core.Routing;

/// <summary>One published config: its number, the hex SHA-256 of its bytes and its S3 key.</summary>
public sealed record RoutesRevision(long Version, string Sha256, string Key);

/// <summary>
/// The object routers poll (<c>routes/haproxy/current.json</c>). <see cref="Previous"/> is the
/// revision it replaced, so a rollback needs no listing of the history.
/// </summary>
public sealed record RoutesPointer(long Version, string Sha256, string Key, RoutesRevision? Previous)
{
    public RoutesRevision Revision => new(Version, Sha256, Key);

    public static RoutesPointer To(RoutesRevision revision, RoutesRevision? previous) =>
        new(revision.Version, revision.Sha256, revision.Key, previous);
}

/// <summary>
/// What a router reports after every poll, changed or not, so the pipeline can wait until all live
/// routers have converged and can tell a router that stopped from one that is idle.
/// </summary>
/// <param name="AppliedVersion">The routes version HAProxy runs now; null before the first apply.</param>
/// <param name="LastError">Why the last candidate was rejected or failed; null when the last attempt succeeded.</param>
/// <param name="RejectedVersion">The version that was refused, if the last attempt refused one.</param>
/// <param name="Heartbeat">Reports written since the agent started: grows by one every poll.</param>
/// <param name="PollIntervalMs">How often the agent polls, and so re-reports.</param>
public sealed record RouterStatus(
    string Node,
    long? AppliedVersion,
    string? LastError,
    DateTimeOffset Time,
    long? RejectedVersion = null,
    long Heartbeat = 0,
    long? PollIntervalMs = null);

public static class RoutesKeys
{
    public const string CurrentPointer = "routes/haproxy/current.json";

    public static string Config(long version) =>
        "routes/haproxy/" + version.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".cfg";

    public static string Status(string node) => "routes/status/" + node + ".json";
}
