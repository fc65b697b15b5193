using System.Net.Sockets;

namespace Pipeline.RouterAgent.Tests;

/// <summary>
/// One of two targets of a live service is SIGKILLed under load through the real haproxy and the
/// rendered config: no GET may fail (in-flight ones are replayed on the other target, the dead one
/// is marked down after a few errors). A POST in flight on the dead target cannot be replayed
/// safely, so some may fail: the test counts them and prints the figure, it does not hide it.
/// </summary>
public sealed class DeadTargetTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Each answer takes this long, so that about half the workers' requests are in flight on the killed target.</summary>
    private const int DelayMs = 200;
    private readonly string _dir = Directory.CreateTempSubdirectory("pipeline-deadtarget-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Target_WhenKilledUnderLoad_ShouldFailNoGetAndMarkItDown()
    {
        using var a = await EchoBackend.StartAsync("a", DelayMs);
        using var b = await EchoBackend.StartAsync("b", DelayMs);
        var port = FreePort.Next();
        var table = new RoutingTable(
        [
            new ServiceRouting("web", "1.0.1-abcdef0", HealthCheck.Default("/health"), [new Route(null, "/")],
                [new RouteTarget("a", "127.0.0.1", a.Port), new RouteTarget("b", "127.0.0.1", b.Port)]),
        ]);
        var config = Path.Combine(_dir, "haproxy.cfg");
        await File.WriteAllTextAsync(config, HaproxyConfigRenderer.Render(table, new RouterSettings("127.0.0.1", port, Path.Combine(_dir, "admin.sock"))).Text);
        using var haproxy = Process.Start(new ProcessStartInfo("/usr/sbin/haproxy", ["-W", "-db", "-f", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            await WaitListening(port, haproxy);
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            var load = new Load(client);
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 8).Select(i => load.RunAsync(post: i % 4 == 3, stop.Token)).ToArray();
            await Task.Delay(2500);
            var before = load.Snapshot();
            a.Kill();
            var killedAt = Stopwatch.StartNew();
            await Task.Delay(3000);
            await stop.CancelAsync();
            await Task.WhenAll(workers);
            var after = load.Snapshot();
            var stats = await HaproxyStats.ReadAsync(Path.Combine(_dir, "admin.sock"));
            var status = stats.Text("svc_web", "a", "status") ?? "absent: " + stats;

            var text = string.Create(CultureInfo.InvariantCulture,
                $"GET sent={after.GetSent} failed={after.GetFailed}; POST sent={after.PostSent} failed={after.PostFailed} "
                + $"(POSTs in flight on the killed target cannot be replayed); killed target {status} after {killedAt.Elapsed.TotalSeconds:0.0} s; "
                + $"load {File.ReadAllText("/proc/loadavg").Trim()}");
            output.WriteLine(text);
            Assert.True(before.GetSent > 10, "too little load before the kill: " + text);
            Assert.True(after.GetSent - before.GetSent > 20, "too little load after the kill to show anything: " + text);
            Assert.Equal(0, after.GetFailed);
            Assert.StartsWith("DOWN", status, StringComparison.Ordinal);
        }
        finally
        {
            haproxy.Kill(entireProcessTree: true);
            await haproxy.WaitForExitAsync();
        }
    }

    private static async Task WaitListening(int port, Process haproxy)
    {
        for (var i = 0; i < 200; i++)
        {
            if (haproxy.HasExited)
            {
                Assert.Fail("haproxy exited: " + await haproxy.StandardError.ReadToEndAsync());
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException("haproxy does not listen on " + port.ToString(CultureInfo.InvariantCulture));
    }

    private sealed class Load(HttpClient client)
    {
        private long _getSent;
        private long _getFailed;
        private long _postSent;
        private long _postFailed;

        public (long GetSent, long GetFailed, long PostSent, long PostFailed) Snapshot() =>
            (Interlocked.Read(ref _getSent), Interlocked.Read(ref _getFailed), Interlocked.Read(ref _postSent), Interlocked.Read(ref _postFailed));

        public async Task RunAsync(bool post, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref post ? ref _postSent : ref _getSent);
                try
                {
                    using var response = post
                        ? await client.PostAsync("/orders", new StringContent("{}"), CancellationToken.None)
                        : await client.GetAsync("/load", CancellationToken.None);
                    await response.Content.ReadAsStringAsync(CancellationToken.None);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref post ? ref _postFailed : ref _getFailed);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref post ? ref _postFailed : ref _getFailed);
                }
            }
        }
    }
}
