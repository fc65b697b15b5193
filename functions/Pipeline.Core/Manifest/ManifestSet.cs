using Pipeline.Core.Routing;

namespace Pipeline.Core.Manifest;

/// <summary>A parsed manifest with the file it came from and where its fields are.</summary>
public sealed record ManifestSource(string File, ServiceManifest Manifest, IReadOnlyDictionary<string, (int Line, int Column)> Positions)
{
    public ManifestError Error(string path, string message)
    {
        var (line, column) = Positions.TryGetValue(path, out var at) ? at : (1, 1);
        return new ManifestError(File, line, column, path, message);
    }
}

/// <summary>
/// The rules a set of manifests must keep together, as the registry and the router would apply
/// them once all are live: one manifest per service, no route key (<see cref="RouteKeys"/>) claimed
/// by two services, and a routing table the real renderer accepts. <c>./pipeline validate</c> runs
/// it over the files it is given, so validate refuses what PublishRoutes would.
/// </summary>
public static class ManifestSet
{
    public static IReadOnlyList<ManifestError> Check(IReadOnlyList<ManifestSource> manifests, RouterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        var errors = new List<ManifestError>();
        var names = new Dictionary<string, ManifestSource>(StringComparer.Ordinal);
        var claims = new Dictionary<string, (ManifestSource Source, string Field)>(StringComparer.Ordinal);
        foreach (var source in manifests)
        {
            var manifest = source.Manifest;
            if (names.TryGetValue(manifest.Name, out var first))
            {
                errors.Add(source.Error("name", $"service '{manifest.Name}' is also declared by {first.File}"));
                continue;
            }

            names[manifest.Name] = source;
            foreach (var (field, key) in OwnershipCheck.ClaimedKeys(manifest))
            {
                if (claims.TryGetValue(key, out var owner) && owner.Source.Manifest.Name != manifest.Name)
                {
                    var at = owner.Source.Error(owner.Field, string.Empty);
                    errors.Add(source.Error(field,
                        $"route {key} is also claimed by service '{owner.Source.Manifest.Name}' ({at.File}:{at.Line}:{at.Column}); a route belongs to one service"));
                }
                else
                {
                    claims.TryAdd(key, (source, field));
                }
            }
        }

        if (errors.Count == 0)
        {
            // The grammar should make this unreachable; if it ever is not, validate still says no.
            foreach (var source in manifests)
            {
                errors.AddRange(Render([source.Manifest], settings, problem => source.Error("routes", problem)));
            }

            if (errors.Count == 0)
            {
                errors.AddRange(Render(manifests.Select(m => m.Manifest), settings,
                    problem => manifests[^1].Error("routes", problem)));
            }
        }

        return errors;
    }

    private static IEnumerable<ManifestError> Render(IEnumerable<ServiceManifest> manifests, RouterSettings settings, Func<string, ManifestError> error)
    {
        try
        {
            HaproxyConfigRenderer.Render(ManifestRouting.Preview(manifests), settings);
            return [];
        }
        catch (RoutingTableInvalidException e)
        {
            return e.Problems.Select(p => error($"the router config refuses it: {ManifestGrammar.Visible(p)}"));
        }
    }
}
