namespace Pipeline.Local.Demo;

/// <summary>What a load run saw: every request counted, a failure is a non-2xx answer or a transport error.</summary>
internal sealed record LoadResult(long Sent, long Failed, IReadOnlyDictionary<string, long> FailureKinds);

/// <summary>
/// A closed-loop load generator: a few workers each send GETs one after another through the front
/// end until stopped. New connections per request, like most clients behind a reload.
/// </summary>
internal sealed class LoadGenerator(IReadOnlyList<Uri> targets, int workers = 8)
{
    private long _sent;
    private long _failed;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _kinds = new(StringComparer.Ordinal);

    public async Task<LoadResult> RunAsync(CancellationToken stop)
    {
        using var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(1) };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => WorkAsync(http, w, stop)));
        return new LoadResult(_sent, _failed, new Dictionary<string, long>(_kinds));
    }

    private async Task WorkAsync(HttpClient http, int worker, CancellationToken stop)
    {
        var i = worker;
        while (!stop.IsCancellationRequested)
        {
            var target = targets[i++ % targets.Count];
            Interlocked.Increment(ref _sent);
            try
            {
                using var response = await http.GetAsync(target, CancellationToken.None);
                if (!response.IsSuccessStatusCode)
                {
                    Fail($"HTTP {(int)response.StatusCode} {target.AbsolutePath}{Why(await response.Content.ReadAsStringAsync(CancellationToken.None))}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Fail(e.GetType().Name + " " + target.AbsolutePath);
            }
        }
    }

    /// <summary>A composition's 502 names the calls that failed and why (its <c>errors</c> object): worth counting apart.</summary>
    private static string Why(string body)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(body)?["errors"] is System.Text.Json.Nodes.JsonObject errors
                ? $" ({string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value}"))})"
                : "";
        }
        catch (System.Text.Json.JsonException)
        {
            return "";
        }
    }

    private void Fail(string kind)
    {
        Interlocked.Increment(ref _failed);
        _kinds.AddOrUpdate(kind, 1, (_, n) => n + 1);
    }
}
