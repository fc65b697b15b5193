using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pipeline.Compose.Load;

/// <summary>
/// Open loop (a fixed rate, each request sent at its scheduled time whatever is still in flight, its
/// latency counted from that time, so a stalled stack cannot hide its queue: no coordinated omission)
/// or closed loop (a fixed number of requests always in flight). Connections are kept where the
/// server allows it and closed where it answers <c>Connection: close</c>, as node's keep-alive agent does.
/// With several URLs one request is one call to each, all sent at once: its latency is the slowest
/// call's, it is 2xx when every call is, and an error when any call failed (what a client making
/// the calls a composition makes, itself and in parallel, would wait for).
/// </summary>
internal sealed class LoadGenerator(IReadOnlyList<Uri> urls, double seconds, double rate, int concurrency)
{
    /// <summary>Requests due while this many are open are not sent, and counted.</summary>
    public const int MaxInFlight = 4000;

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly byte[][] _requests = [.. urls.Select(url => Encoding.ASCII.GetBytes(
        $"GET {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nConnection: keep-alive\r\n\r\n"))];
    private readonly Stack<HttpConnection>[] _idle = [.. urls.Select(_ => new Stack<HttpConnection>())];
    private readonly List<long> _latencyUs = new(rate > 0 ? (int)(rate * seconds) + 16 : 1 << 16);
    private EndPoint[] _servers = [];
    private int _inFlight;
    private long _ok;
    private long _non2xx;
    private long _errors;
    private long _skipped;
    private long _lastFinished;

    public async Task<LoadResult> RunAsync()
    {
        _servers = await Task.WhenAll(urls.Select(ResolveAsync));
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(seconds * Stopwatch.Frequency);
        if (rate > 0)
        {
            // A thread of its own: the schedule must not wait behind completions on the thread pool.
            var scheduler = new Thread(() => Schedule(start, end)) { IsBackground = true, Name = "schedule" };
            scheduler.Start();
            scheduler.Join();
        }
        else
        {
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                long now;
                while ((now = Stopwatch.GetTimestamp()) < end)
                {
                    Interlocked.Increment(ref _inFlight);
                    await SendAsync(now);
                }
            })));
        }

        while (Volatile.Read(ref _inFlight) > 0)
        {
            await Task.Delay(5);
        }

        var elapsed = Stopwatch.GetElapsedTime(start, Math.Max(Interlocked.Read(ref _lastFinished), end)).TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        foreach (var idle in _idle)
        {
            lock (idle)
            {
                while (idle.TryPop(out var connection))
                {
                    connection.Dispose();
                }
            }
        }

        long[] latencies;
        lock (_latencyUs)
        {
            latencies = [.. _latencyUs];
        }

        Array.Sort(latencies);
        var answered = _ok + _non2xx;
        return new LoadResult(
            string.Join(" ", urls), seconds, rate > 0 ? rate : null, rate > 0 ? null : concurrency, answered / elapsed,
            Percentile(latencies, 50), Percentile(latencies, 90), Percentile(latencies, 99), latencies.Length == 0 ? 0 : latencies[^1],
            _ok, _non2xx, _errors, _skipped, cpu / elapsed, answered == 0 ? 0 : cpu * 1e6 / answered);
    }

    /// <summary>Every tick sends each request whose time has come, stamped with the time it was due (as load.mjs does).</summary>
    private void Schedule(long start, long end)
    {
        var interval = Stopwatch.Frequency / rate;
        double next = start;
        while (true)
        {
            var now = Math.Min(Stopwatch.GetTimestamp(), end);
            for (; next < now; next += interval)
            {
                if (Volatile.Read(ref _inFlight) >= MaxInFlight)
                {
                    _skipped++;
                    continue;
                }

                Interlocked.Increment(ref _inFlight);
                _ = SendAsync((long)next);
            }

            if (now >= end)
            {
                return;
            }

            Thread.Sleep(1);
        }
    }

    private async Task SendAsync(long scheduled)
    {
        var status = 0;
        try
        {
            using var timeout = new CancellationTokenSource(RequestTimeout);
            status = _requests.Length == 1
                ? await ExchangeAsync(0, timeout.Token)
                : Combined(await Task.WhenAll(Enumerable.Range(0, _requests.Length).Select(i => ExchangeAsync(i, timeout.Token))));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Any failure is one failed request: none may leave it counted as in flight for ever.
        }

        var finished = Stopwatch.GetTimestamp();
        var latency = Math.Max(1, (long)Stopwatch.GetElapsedTime(scheduled, finished).TotalMicroseconds);
        lock (_latencyUs)
        {
            _latencyUs.Add(latency);
        }

        if (status == 0)
        {
            Interlocked.Increment(ref _errors);
        }
        else if (status is >= 200 and < 300)
        {
            Interlocked.Increment(ref _ok);
        }
        else
        {
            Interlocked.Increment(ref _non2xx);
        }

        if (finished > Interlocked.Read(ref _lastFinished))
        {
            Interlocked.Exchange(ref _lastFinished, finished);
        }

        Interlocked.Decrement(ref _inFlight);
    }

    /// <summary>The calls of one request as one status: the first non-2xx one, else the first.</summary>
    private static int Combined(int[] statuses) => statuses.FirstOrDefault(s => s is not (>= 200 and < 300), statuses[0]);

    private async Task<int> ExchangeAsync(int target, CancellationToken cancellationToken)
    {
        HttpConnection? connection;
        var idle = _idle[target];
        lock (idle)
        {
            idle.TryPop(out connection);
        }

        connection ??= await HttpConnection.OpenAsync(_servers[target], cancellationToken);
        try
        {
            var (status, keepAlive) = await ExchangeOnAsync(target, connection, cancellationToken);
            if (keepAlive)
            {
                lock (idle)
                {
                    idle.Push(connection);
                }

                connection = null;
            }

            return status;
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>
    /// A kept connection the server closed while it was idle fails before any response byte: that
    /// request is sent again on a new connection (its latency still counts from its scheduled time).
    /// </summary>
    private async Task<(int, bool)> ExchangeOnAsync(int target, HttpConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            return await connection.ExchangeAsync(_requests[target], cancellationToken);
        }
        catch (Exception e) when (connection.Reused && e is IOException or SocketException && !connection.GotResponseBytes)
        {
            connection.Dispose();
            using var fresh = await HttpConnection.OpenAsync(_servers[target], cancellationToken);
            var (status, _) = await fresh.ExchangeAsync(_requests[target], cancellationToken);
            return (status, false);
        }
    }

    private static async Task<EndPoint> ResolveAsync(Uri url) =>
        new IPEndPoint(IPAddress.TryParse(url.Host, out var address) ? address : (await Dns.GetHostAddressesAsync(url.Host))[0], url.Port);

    private static double Percentile(long[] sorted, double percentile) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
