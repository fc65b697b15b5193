namespace Pipeline.Core.Routing;

/// <summary>
/// Everything the router needs to know about the fleet at one moment: for each service its live
/// version, how to health-check it, which requests it answers and which targets serve it.
/// The order of every list is irrelevant: rendering sorts, so equal fleets give equal bytes.
/// </summary>
public sealed record RoutingTable(IReadOnlyList<ServiceRouting> Services)
{
    public static RoutingTable Empty { get; } = new([]);
}

/// <param name="Name">Service name as in service.yaml; becomes the backend name.</param>
/// <param name="LiveVersion">The version label whose targets are listed; written as a comment.</param>
public sealed record ServiceRouting(
    string Name,
    string LiveVersion,
    HealthCheck Health,
    IReadOnlyList<Route> Routes,
    IReadOnlyList<RouteTarget> Targets)
{
    /// <summary>Requests of this service the composer answers; their static prefixes go to it, not to the targets.</summary>
    /// <remarks>A table read from JSON written before compositions existed has none (never null).</remarks>
    public IReadOnlyList<Compose.Composition> Compositions { get; init => field = value ?? []; } = [];

    /// <summary>Only compositions, no instances: it gets no backend of its own.</summary>
    public bool Composite { get; init; }
}

/// <param name="Path">HTTP path HAProxy GETs; any 2xx/3xx answer counts as healthy.</param>
/// <param name="IntervalSeconds">Time between two checks of one target.</param>
/// <param name="HealthyThreshold">Consecutive successes before a down target takes traffic again.</param>
/// <param name="UnhealthyThreshold">Consecutive failures before a target stops taking traffic.</param>
public sealed record HealthCheck(string Path, int IntervalSeconds, int HealthyThreshold, int UnhealthyThreshold)
{
    public static HealthCheck Default(string path) => new(path, 2, 2, 3);
}

/// <summary>
/// Requests a service answers. A route with both a host and a path prefix needs both to match;
/// a path prefix matches itself and everything below it (<c>/users</c> matches <c>/users/7</c>,
/// not <c>/usersx</c>); the prefix <c>/</c> matches every path.
/// </summary>
public sealed record Route(string? Host, string? PathPrefix);

/// <summary>One instance serving the live version: its id becomes the HAProxy server name.</summary>
public sealed record RouteTarget(string Id, string Address, int Port);
