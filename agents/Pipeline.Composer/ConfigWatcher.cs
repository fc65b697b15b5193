namespace Pipeline.Composer;

/// <summary>
/// Reloads the catalog whenever the router agent replaces haproxy.cfg (it moves a checked file into
/// place, so a read sees one whole version). A config whose composition lines do not parse keeps
/// the previous compositions: the agent only applies configs the renderer wrote, so that means a
/// bug, which is logged, not served.
/// </summary>
public sealed class ConfigWatcher(string path, CompositionCatalog catalog, Action<string> log)
{
    private readonly Lock _loading = new();
    private (DateTime Written, long Length)? _seen;

    /// <summary>Loads the file if it changed since the last call; true when the catalog was replaced.</summary>
    /// <remarks>Called by the poll and by requests no composition answers, so one at a time.</remarks>
    public bool Refresh()
    {
        lock (_loading)
        {
            return RefreshLocked();
        }
    }

    private bool RefreshLocked()
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return false;
        }

        var stamp = (info.LastWriteTimeUtc, info.Length);
        if (_seen == stamp)
        {
            return false;
        }

        try
        {
            var compositions = CompositionLines.Read(File.ReadAllText(path));
            catalog.Replace(compositions);
            _seen = stamp;
            log($"loaded {compositions.Count} composition(s) from {path}");
            return true;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            _seen = stamp;
            log($"kept the previous compositions: {path} could not be read: {e.Message}");
            return false;
        }
    }

    public async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            Refresh();
        }
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
    }
}
