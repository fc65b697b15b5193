using Pipeline.Core.Manifest;

namespace Pipeline.Core.Routing;

/// <summary>
/// Route claims are a projection of the live routing table: a service claims exactly the route
/// keys its live version routes, written under the routes lease when a version goes live and
/// released when the live version stops routing them. A build that never went live claims nothing.
/// </summary>
public static class RouteClaims
{
    /// <summary>The key a route is claimed and compared under: <see cref="RouteKeys.Key"/>, the compiler's normalization.</summary>
    public static string KeyOf(string? host, string? pathPrefix) => RouteKeys.Key(host, pathPrefix);

    public static string KeyOf(Route route)
    {
        ArgumentNullException.ThrowIfNull(route);
        return KeyOf(route.Host, route.PathPrefix);
    }

    /// <summary>Every (route key, service) the table routes.</summary>
    public static IReadOnlyList<RouteClaim> Of(RoutingTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return [.. table.Services
            .SelectMany(s => s.Routes.Select(KeyOf).Concat(s.Compositions.Select(c => KeyOf(null, c.StaticPrefix)))
                .Select(key => new RouteClaim(key, s.Name)))
            .Distinct()
            .OrderBy(c => c.RouteKey, StringComparer.Ordinal)
            .ThenBy(c => c.Service, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Fails with <see cref="RouteConflictException"/> when <paramref name="changing"/> would route a
    /// key another live service routes. Conflicts between services not changing are left to the
    /// compiler's verification (they cannot come from this switch).
    /// </summary>
    public static void EnsureNoConflict(RoutingTable table, string? changing)
    {
        if (changing is null)
        {
            return;
        }

        var conflicts = Of(table)
            .GroupBy(c => c.RouteKey, StringComparer.Ordinal)
            .Where(g => g.Count() > 1 && g.Any(c => c.Service == changing))
            .Select(g => $"route {g.Key} is claimed by live service {string.Join(", ", g.Where(c => c.Service != changing).Select(c => c.Service))}; " +
                         $"service {changing} cannot claim it")
            .ToList();
        if (conflicts.Count > 0)
        {
            throw new RouteConflictException(conflicts);
        }
    }

    /// <summary>
    /// Makes the registry's claims equal to the table's: releases claims no live version routes
    /// (including ones an older pipeline wrote at build time), then claims what is missing.
    /// Call it under the routes lease, after <see cref="EnsureNoConflict"/>.
    /// </summary>
    public static async Task SettleAsync(IRegistry registry, RoutingTable table, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var wanted = Of(table).ToHashSet();
        var existing = await registry.ListRouteClaimsAsync(cancel);
        foreach (var stale in existing.Where(c => !wanted.Contains(c)).GroupBy(c => c.Service, StringComparer.Ordinal))
        {
            await registry.ReleaseRoutesAsync(stale.Key, [.. stale.Select(c => c.RouteKey)], cancel);
        }

        var held = existing.ToHashSet();
        foreach (var missing in wanted.Where(c => !held.Contains(c)).GroupBy(c => c.Service, StringComparer.Ordinal))
        {
            try
            {
                await registry.ClaimRoutesAsync(missing.Key, [.. missing.Select(c => c.RouteKey)], cancel);
            }
            catch (RegistryConflictException e)
            {
                // Only publishers write claims, and they hold the lease: a claim in the way is one
                // this publication could not release, which is a conflict all the same.
                throw new RouteConflictException([e.Message]);
            }
        }
    }
}
