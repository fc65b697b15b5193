using Pipeline.Core.Manifest;

namespace Pipeline.Core.Routing;

/// <summary>A deploy switching one service from <see cref="PreviousLabel"/> (null: first deploy) to a new version whose targets are healthy.</summary>
public sealed record RouteSwitch(string Service, string Label, IReadOnlyList<RouteTarget> Targets, string? PreviousLabel = null);

/// <summary>
/// Builds the routing table from the registry (each service's live version, that version's
/// manifest for health check and routes, its recorded healthy targets), renders and publishes it.
/// A <see cref="RouteSwitch"/> records the new version's targets, routes its service to it and,
/// once the config is published, marks it live in the registry: the registry never calls a
/// version live that no published config routes to. Running it again is harmless.
/// <para>
/// The registry is read, route claims are settled and the version is marked live all under the
/// routes lease, so publications are serialized end to end: each one renders the registry as the
/// publication before it left it, and every later routes version keeps routing this switch. That
/// is what lets RoutesConverged accept a router that applied a later version.
/// </para>
/// </summary>
public sealed class RegistryRoutesPublisher(IRegistry registry, IRouteTargets targets, RoutesConfigPublisher publisher, RouterSettings settings)
{
    public async Task<(PublishResult Result, RoutingTable Table)> PublishAsync(RouteSwitch? change, CancellationToken cancellationToken)
    {
        if (change is not null)
        {
            await targets.PutAsync(change.Service, change.Label, change.Targets, cancellationToken);
        }

        RoutingTable? table = null;
        var result = await publisher.PublishAsync(
            async cancel =>
            {
                table = await BuildAsync(change, cancel);
                RouteClaims.EnsureNoConflict(table, change?.Service);
                var rendered = HaproxyConfigRenderer.Render(table, settings);
                await RouteClaims.SettleAsync(registry, table, cancel);
                return rendered;
            },
            change is null ? null : (_, cancel) => MarkLiveAsync(change, cancel),
            cancellationToken);
        return (result, table!);
    }

    private async Task MarkLiveAsync(RouteSwitch change, CancellationToken cancellationToken)
    {
        if (!await registry.MarkLiveAsync(change.Service, change.Label, change.PreviousLabel, cancellationToken)
            && (await registry.GetServiceAsync(change.Service, cancellationToken))?.LiveLabel != change.Label)
        {
            throw new RegistryConflictException(
                $"{change.Service}: the live version is no longer {change.PreviousLabel ?? "none"}; another deploy moved it", change.Service);
        }
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
