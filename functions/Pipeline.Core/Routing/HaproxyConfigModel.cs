namespace Pipeline.Core.Routing;

/// <summary>The config as HAProxy sees it, before it becomes text: what is validated before publication.</summary>
public sealed record HaproxyConfigModel(
    RouterSettings Settings,
    IReadOnlyList<RoutingRule> Rules,
    IReadOnlyList<HaproxyBackend> Backends)
{
    /// <summary>What the composer answers; non-empty means the config has the composer backend and the calls frontend.</summary>
    public IReadOnlyList<Compose.Composition> Compositions { get; init; } = [];
}

/// <summary>
/// Sends requests matching <see cref="Host"/> and <see cref="PathPrefix"/> (either may be absent,
/// a missing one matches everything) to <see cref="Backend"/>.
/// </summary>
public sealed record RoutingRule(string Backend, string Service, string? Host, string? PathPrefix);

public sealed record HaproxyBackend(
    string Name,
    string Service,
    string LiveVersion,
    HealthCheck Health,
    IReadOnlyList<RouteTarget> Servers);
