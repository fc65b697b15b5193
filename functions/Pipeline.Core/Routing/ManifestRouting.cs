using Pipeline.Core.Manifest;

namespace Pipeline.Core.Routing;

/// <summary>
/// What the router needs from a version's manifest. PublishRoutes and <c>./pipeline routes render</c>
/// both build their tables here, so a preview is the config a deploy would publish.
/// </summary>
public static class ManifestRouting
{
    public static ServiceRouting For(ServiceManifest manifest, string label, IReadOnlyList<RouteTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var health = manifest.Health;
        return new ServiceRouting(
            manifest.Name,
            label,
            new HealthCheck(health.Path, health.IntervalSeconds, health.HealthyThreshold, health.UnhealthyThreshold),
            [.. manifest.Routes.Select(r => new Route(r.Host, r.PathPrefix))],
            targets)
        {
            Compositions = manifest.Compositions,
            Composite = manifest.IsComposite,
        };
    }

    /// <summary>
    /// The table a set of manifests would give if each were live with its <c>instances.count</c>
    /// targets: made-up ones on 127.0.0.1, ports from 20000 up, and the label <c>preview</c>.
    /// </summary>
    public static RoutingTable Preview(IEnumerable<ServiceManifest> manifests)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        var port = 20_000;
        var services = new List<ServiceRouting>();
        foreach (var manifest in manifests)
        {
            var targets = Enumerable.Range(1, manifest.Instances.Count)
                .Select(i => new RouteTarget($"{manifest.Name}-{i}", "127.0.0.1", port++))
                .ToList();
            services.Add(For(manifest, "preview", targets));
        }

        return new RoutingTable(services);
    }
}
