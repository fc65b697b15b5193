namespace Pipeline.Composer;

/// <summary>What a request path and method resolve to.</summary>
public sealed record Resolution(Composition? Composition, IReadOnlyDictionary<string, string>? Parameters, IReadOnlyList<string> AllowedMethods);

/// <summary>
/// The compositions of the config HAProxy runs, replaced whole on every reload: a request resolves
/// against one snapshot, never a half-loaded one. A composition the new config drops still answers
/// for <see cref="DefaultRemovalGrace"/>: the composer may read the new file before HAProxy's new
/// workers take over, and until then HAProxy still sends it the removed paths (no 404 window).
/// </summary>
public sealed class CompositionCatalog(TimeSpan? removalGrace = null, TimeProvider? clock = null)
{
    public static readonly TimeSpan DefaultRemovalGrace = TimeSpan.FromSeconds(10);

    private readonly TimeSpan _grace = removalGrace ?? DefaultRemovalGrace;
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private volatile Snapshot _snapshot = new([], [], DateTimeOffset.MinValue);

    public int Count => _snapshot.Entries.Length;

    public void Replace(IReadOnlyList<Composition> compositions)
    {
        ArgumentNullException.ThrowIfNull(compositions);
        var entries = compositions.Select(c => new Entry(c, PathTemplate.Parse(c.Path))).ToArray();
        var previous = _snapshot;
        var kept = entries.Select(e => (e.Composition.Method, e.Composition.Path)).ToHashSet();
        var removed = previous.Entries.Where(e => !kept.Contains((e.Composition.Method, e.Composition.Path))).ToArray();
        _snapshot = new Snapshot(entries, removed, _clock.GetUtcNow() + _grace);
    }

    public Resolution Resolve(string method, string path)
    {
        var snapshot = _snapshot;
        var resolution = Resolve(snapshot.Entries, method, path);
        if (resolution.Composition is null && snapshot.Removed.Length > 0 && _clock.GetUtcNow() < snapshot.RemovedUntil
            && Resolve(snapshot.Removed, method, path) is { Composition: not null } leaving)
        {
            return leaving;
        }

        return resolution;
    }

    private static Resolution Resolve(Entry[] entries, string method, string path)
    {
        var allowed = new List<string>();
        foreach (var entry in entries)
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

    private sealed record Snapshot(Entry[] Entries, Entry[] Removed, DateTimeOffset RemovedUntil);
}
