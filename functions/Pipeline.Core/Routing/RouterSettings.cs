namespace Pipeline.Core.Routing;

/// <summary>
/// How the routers listen; the same for every router reading one published config.
/// Timeouts are in milliseconds so that sub-second values survive.
/// </summary>
/// <param name="BindAddress">IPv4 address to listen on, or <c>*</c> for all.</param>
/// <param name="Port">HTTP port of the frontend.</param>
/// <param name="RuntimeSocketPath">Admin socket of the workers (stats, runtime API).</param>
/// <param name="HardStopAfterSeconds">How long an old worker may keep finishing requests after a reload.</param>
/// <param name="User">User the workers run as (<c>user</c> in <c>global</c>): haproxy starts as root to bind the
/// port and read its config, then drops to this user. Null keeps the user haproxy was started as,
/// which is the only choice when it is not started as root (as locally): such a haproxy cannot switch users.</param>
/// <param name="Group">Group the workers run as (<c>group</c> in <c>global</c>); null keeps the starting group.</param>
/// <param name="ComposerPort">Loopback port of the composer beside HAProxy, where composition paths go.</param>
/// <param name="ComposerCallsPort">Loopback port of the frontend the composer calls services through (by <c>X-Pipeline-Service</c>).</param>
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
    int MaxConnections = 4_096,
    string? User = null,
    string? Group = null,
    int ComposerPort = 8091,
    int ComposerCallsPort = 8092)
{
    /// <summary>The user and group Debian's haproxy package creates, and what AWS routers run workers as unless told otherwise.</summary>
    public const string DefaultRouterUser = "haproxy";

    /// <summary>
    /// The environment variables through which one router overrides the published address, port and
    /// runtime socket: the rendered config names them (<c>"${NAME-published}"</c>) and each router agent
    /// sets them for its haproxy, so routers sharing a host do not fight over one port or socket. The
    /// same names as the publishing functions' settings, which give the published values.
    /// </summary>
    public const string BindVariable = Configuration.SettingNames.RouterBind;

    /// <inheritdoc cref="BindVariable"/>
    public const string PortVariable = Configuration.SettingNames.RouterPort;

    /// <inheritdoc cref="BindVariable"/>
    public const string RuntimeSocketVariable = Configuration.SettingNames.RouterRuntimeSocket;

    /// <summary>
    /// Set by a supervising router agent for its haproxy: the number of the inherited file descriptor of
    /// the frontend's listening socket, which the agent bound and keeps open so that the port keeps
    /// accepting (connections wait in its queue) while a dead haproxy master is restarted. Unset, the
    /// rendered config binds the address itself.
    /// </summary>
    public const string ListenerFdVariable = "PIPELINE_ROUTER_LISTENER_FD";

    public static RouterSettings Default { get; } = new("*", 80, "/run/haproxy/admin.sock");
}
