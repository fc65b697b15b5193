namespace Pipeline.Core.Routing;

/// <summary>
/// The healthy targets of each deployed version, as the deploy found them once its target group
/// reported them healthy. The router config is rendered from these, never from a guess.
/// </summary>
public interface IRouteTargets
{
    Task<IReadOnlyList<RouteTarget>> GetAsync(string service, string label, CancellationToken cancellationToken);

    Task PutAsync(string service, string label, IReadOnlyList<RouteTarget> targets, CancellationToken cancellationToken);
}
