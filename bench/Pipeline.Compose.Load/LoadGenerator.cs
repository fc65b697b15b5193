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
/// </summary>
internal sealed class LoadGenerator(Uri url, double seconds, double rate, int concurrency)
{
    /// <summary>Requests due while this many are open are not sent, and counted.</summary>
    public const int MaxInFlight = 4000;

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly byte[] _request = Encoding.ASCII.GetBytes(
        $"GET {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nConnection: keep-alive\r\n\r\n");
    private readonly Stack<HttpConnection> _idle = new();
    private readonly List<long> _latencyUs = new(rate > 0 ? (int)(rate * seconds) + 16 : 1 << 16);
    private EndPoint? _server;
    private int _inFlight;
    private long _ok;
    private long _non2xx;
    private long _errors;
    private long _skipped;
    private long _lastFinished;

    public async Task<LoadResult> RunAsync()
    {
        _server = await ResolveAsync(url);
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
        lock (_idle)
        {
            while (_idle.TryPop(out var connection))
            {
                connection.Dispose();
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
            url.ToString(), seconds, rate > 0 ? rate : null, rate > 0 ? null : concurrency, answered / elapsed,
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
            status = await ExchangeAsync(timeout.Token);
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

    private async Task<int> ExchangeAsync(CancellationToken cancellationToken)
    {
        HttpConnection? connection;
        lock (_idle)
        {
            _idle.TryPop(out connection);
        }

        connection ??= await HttpConnection.OpenAsync(_server!, cancellationToken);
        try
        {
            var (status, keepAlive) = await ExchangeOnAsync(connection, cancellationToken);
            if (keepAlive)
            {
                lock (_idle)
                {
                    _idle.Push(connection);
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
    private async Task<(int, bool)> ExchangeOnAsync(HttpConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            return await connection.ExchangeAsync(_request, cancellationToken);
        }
        catch (Exception e) when (connection.Reused && e is IOException or SocketException && !connection.GotResponseBytes)
        {
            connection.Dispose();
            using var fresh = await HttpConnection.OpenAsync(_server!, cancellationToken);
            var (status, _) = await fresh.ExchangeAsync(_request, cancellationToken);
            return (status, false);
        }
    }

    private static async Task<EndPoint> ResolveAsync(Uri url) =>
        new IPEndPoint(IPAddress.TryParse(url.Host, out var address) ? address : (await Dns.GetHostAddressesAsync(url.Host))[0], url.Port);

    private static double Percentile(long[] sorted, double percentile) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
