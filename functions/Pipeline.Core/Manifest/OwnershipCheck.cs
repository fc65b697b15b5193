using Pipeline.Core.Routing;

namespace Pipeline.Core.Manifest;

/// <summary>
/// The rules one service.yaml cannot check alone: its routes must not be claimed by another
/// service's live version, its table names must not belong to another service. Read-only, so a
/// rejected manifest leaves the registry as it was.
/// </summary>
public static class OwnershipCheck
{
    /// <summary>Every conflict, each naming the field, the route or table, and both services.</summary>
    public static async Task<IReadOnlyList<string>> FindConflictsAsync(
        ServiceManifest manifest, string tablePrefix, IRegistry registry, CancellationToken cancel = default)
    {
        var conflicts = new List<string>();
        // Claims recorded before keys were normalized still count under their normalized key.
        var routeOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var claim in await registry.ListRouteClaimsAsync(cancel))
        {
            var key = RouteKeys.Normalize(claim.RouteKey);
            if (!routeOwners.TryAdd(key, claim.Service) && claim.Service != manifest.Name)
            {
                routeOwners[key] = claim.Service;
            }
        }

        foreach (var (field, key) in ClaimedKeys(manifest))
        {
            if (routeOwners.TryGetValue(key, out var owner) && owner != manifest.Name)
            {
                conflicts.Add($"{field}: route {key} is owned by service {owner}; service {manifest.Name} cannot claim it");
            }
        }

        for (var i = 0; i < manifest.Tables.Count; i++)
        {
            var physical = TableSpec.PhysicalName(tablePrefix, manifest.Name, manifest.Tables[i].Name);
            var owned = await registry.GetOwnedTableAsync(physical, cancel);
            if (owned is not null && owned.Service != manifest.Name)
            {
                conflicts.Add($"tables[{i}].name: table {physical} is owned by service {owned.Service}; " +
                              $"service {manifest.Name} cannot claim it");
            }
        }

        return conflicts;
    }

    /// <summary>Each route key the manifest claims, with the field that claims it: <c>routes[i]</c> or <c>compose[i]</c> (its static prefix).</summary>
    public static IEnumerable<(string Field, string Key)> ClaimedKeys(ServiceManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        for (var i = 0; i < manifest.Routes.Count; i++)
        {
            yield return ($"routes[{i}]", manifest.Routes[i].Key);
        }

        for (var i = 0; i < manifest.Compositions.Count; i++)
        {
            yield return ($"compose[{i}]", RouteKeys.Key(null, manifest.Compositions[i].StaticPrefix));
        }
    }

    public static async Task EnsureNoConflictsAsync(
        ServiceManifest manifest, string tablePrefix, IRegistry registry, CancellationToken cancel = default)
    {
        var conflicts = await FindConflictsAsync(manifest, tablePrefix, registry, cancel);
        if (conflicts.Count > 0)
        {
            throw new OwnershipConflictException(conflicts);
        }
    }
}
