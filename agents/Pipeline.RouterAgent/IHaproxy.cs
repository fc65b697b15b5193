namespace Pipeline.RouterAgent;

/// <summary>The haproxy a router manages: check a candidate, and make the running one load the config file.</summary>
public interface IHaproxy
{
    /// <summary>Runs <c>haproxy -c -f</c>; returns null when valid, else haproxy's complaint.</summary>
    Task<string?> CheckAsync(string configPath, CancellationToken cancellationToken);

    /// <summary>Starts haproxy on the config file when supervising and not yet running; otherwise reloads it.</summary>
    Task ApplyAsync(CancellationToken cancellationToken);
}
