namespace Pipeline.Core.Routing;

/// <summary>
/// How the routers listen; the same for every router reading one published config.
/// Timeouts are in milliseconds so that sub-second values survive.
/// </summary>
/// <param name="BindAddress">IPv4 address to listen on, or <c>*</c> for all.</param>
/// <param name="Port">HTTP port of the frontend.</param>
/// <param name="RuntimeSocketPath">Admin socket of the workers (stats, runtime API).</param>
/// <param name="HardStopAfterSeconds">How long an old worker may keep finishing requests after a reload.</param>
public sealed record RouterSettings(
    string BindAddress,
    int Port,
    string RuntimeSocketPath,
    int ConnectTimeoutMs = 5_000,
    int ClientTimeoutMs = 30_000,
    int ServerTimeoutMs = 30_000,
    int HttpRequestTimeoutMs = 10_000,
    int QueueTimeoutMs = 10_000,
    int CheckTimeoutMs = 2_000,
    int HardStopAfterSeconds = 60,
    int MaxConnections = 4_096)
{
    public static RouterSettings Default { get; } = new("*", 80, "/run/haproxy/admin.sock");
}
