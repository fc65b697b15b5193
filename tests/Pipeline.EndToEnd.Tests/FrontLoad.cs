using System.Collections.Concurrent;
using System.Text.Json;

namespace Pipeline.EndToEnd.Tests;

/// <summary>What a load run saw: every request counted, and which version answered each one that succeeded.</summary>
internal sealed record FrontLoadResult(
    long Sent, long Failed, IReadOnlyDictionary<string, long> Failures, IReadOnlyDictionary<string, long> AnsweredBy)
{
    public override string ToString() =>
        $"{Sent} sent, {Failed} failed [{string.Join(", ", Failures.Select(f => $"{f.Value}x {f.Key}"))}], " +
        $"answered by [{string.Join(", ", AnsweredBy.Select(v => $"{v.Key}: {v.Value}"))}]";
}

/// <summary>
/// A small closed-loop load through HAProxy, like the demo's load generator but lighter: a few
/// workers each GET a version path, one request after another with a short pause (the machine is
/// shared with the stack under test), connections recycled every second so reloads meet both new
/// and reused connections, until stopped. A failure is a non-2xx answer, a transport error, a
/// timeout or a body that names no version (or, with another <c>answeredBy</c>, that it does not recognise).
/// </summary>
internal sealed class FrontLoad : IAsyncDisposable
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(5);

    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly SocketsHttpHandler _handler = new() { PooledConnectionLifetime = TimeSpan.FromSeconds(1) };
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<string, long> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _answeredBy = new(StringComparer.Ordinal);
    private readonly Task _workers;
    private readonly Func<JsonNode?, string?> _answeredByOf;
    private long _sent;
    private long _failed;

    /// <param name="answeredBy">What in an answer names who answered it (default: its <c>version</c>); null makes it a failure.</param>
    public FrontLoad(Uri target, int workers = 4, Func<JsonNode?, string?>? answeredBy = null)
    {
        _target = target;
        _answeredByOf = answeredBy ?? (answer => (string?)answer?["version"]);
        _http = new HttpClient(_handler) { Timeout = TimeSpan.FromSeconds(10) };
        _workers = Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(WorkAsync)));
    }

    public async Task<FrontLoadResult> StopAsync()
    {
        await _stop.CancelAsync();
        await _workers;
        return new FrontLoadResult(_sent, _failed, new Dictionary<string, long>(_failures), new Dictionary<string, long>(_answeredBy));
    }

    private async Task WorkAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Interlocked.Increment(ref _sent);
            try
            {
                using var response = await _http.GetAsync(_target, CancellationToken.None);
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                if (!response.IsSuccessStatusCode)
                {
                    Fail($"HTTP {(int)response.StatusCode}");
                }
                else if (_answeredByOf(JsonNode.Parse(body)) is { } version)
                {
                    _answeredBy.AddOrUpdate(version, 1, (_, n) => n + 1);
                }
                else
                {
                    Fail("no version in the answer");
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
            {
                Fail(e.GetType().Name);
            }

            await Task.Delay(Pause, CancellationToken.None);
        }
    }

    private void Fail(string kind)
    {
        Interlocked.Increment(ref _failed);
        _failures.AddOrUpdate(kind, 1, (_, n) => n + 1);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
        _http.Dispose();
        _handler.Dispose();
    }
}
