using Pipeline.Core.Manifest;
using Pipeline.Core.Registry;

namespace Pipeline.Core.Routing;

/// <summary>A deploy switching one service from <see cref="PreviousLabel"/> (null: first deploy) to a new version whose targets are healthy.</summary>
public sealed record RouteSwitch(string Service, string Label, IReadOnlyList<RouteTarget> Targets, string? PreviousLabel = null);

/// <summary>
/// Builds the routing table from the registry (each service's live version, that version's
/// manifest for health check and routes, its recorded healthy targets), renders and publishes it.
/// A <see cref="RouteSwitch"/> records the new version's targets, routes its service to it and,
/// once the config is published, marks it live in the registry: the registry never calls a
/// version live that no published config routes to. Running it again is harmless.
/// </summary>
public sealed class RoutesPublication(IRegistry registry, IRouteTargets targets, RoutesPublisher publisher, RouterSettings settings)
{
    public async Task<(PublishResult Result, RoutingTable Table)> PublishAsync(RouteSwitch? change, CancellationToken cancellationToken)
    {
        if (change is not null)
        {
            await targets.PutAsync(change.Service, change.Label, change.Targets, cancellationToken);
        }

        var table = await BuildAsync(change, cancellationToken);
        var rendered = HaproxyConfigRenderer.Render(table, settings);
        var result = await publisher.PublishAsync(rendered, cancellationToken);
        if (change is not null
            && !await registry.MarkLiveAsync(change.Service, change.Label, change.PreviousLabel, cancellationToken)
            && (await registry.GetServiceAsync(change.Service, cancellationToken))?.LiveLabel != change.Label)
        {
            throw new RegistryConflictException(
                $"{change.Service}: the live version is no longer {change.PreviousLabel ?? "none"}; another deploy moved it", change.Service);
        }

        return (result, table);
    }

    public async Task<RoutingTable> BuildAsync(RouteSwitch? change, CancellationToken cancellationToken)
    {
        var services = new List<ServiceRouting>();
        foreach (var service in await registry.ListServicesAsync(cancellationToken))
        {
            var label = service.Name == change?.Service ? change.Label : service.LiveLabel;
            if (label is null)
            {
                continue; // recorded but never deployed: nothing to route to yet
            }

            var version = await registry.GetVersionAsync(service.Name, label, cancellationToken)
                ?? throw new InvalidOperationException($"the registry has no version {label} of {service.Name}");
            var manifest = ManifestParser.Parse(version.ManifestYaml, expectedName: service.Name);
            services.Add(ManifestRouting.For(manifest, label, await targets.GetAsync(service.Name, label, cancellationToken)));
        }

        return new RoutingTable(services);
    }
}
