using Pipeline.Core.Compose;

namespace Pipeline.Composer;

/// <summary>What a request path and method resolve to.</summary>
public sealed record Resolution(Composition? Composition, IReadOnlyDictionary<string, string>? Parameters, IReadOnlyList<string> AllowedMethods);

/// <summary>
/// The compositions of the config HAProxy runs, replaced whole on every reload: a request resolves
/// against one snapshot, never a half-loaded one.
/// </summary>
public sealed class CompositionCatalog
{
    private volatile Entry[] _entries = [];

    public int Count => _entries.Length;

    public void Replace(IReadOnlyList<Composition> compositions)
    {
        ArgumentNullException.ThrowIfNull(compositions);
        _entries = [.. compositions.Select(c => new Entry(c, PathTemplate.Parse(c.Path)))];
    }

    public Resolution Resolve(string method, string path)
    {
        var allowed = new List<string>();
        foreach (var entry in _entries)
        {
            if (entry.Template.Match(path) is not { } parameters)
            {
                continue;
            }

            if (string.Equals(entry.Composition.Method, method, StringComparison.OrdinalIgnoreCase))
            {
                return new Resolution(entry.Composition, parameters, []);
            }

            allowed.Add(entry.Composition.Method);
        }

        return new Resolution(null, null, allowed);
    }

    private sealed record Entry(Composition Composition, PathTemplate Template);
}
