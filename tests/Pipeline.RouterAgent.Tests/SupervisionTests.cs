using Pipeline.Aws.Routing;

namespace Pipeline.RouterAgent.Tests;

/// <summary>
/// The supervising agent and its haproxy dying under a steady GET load through the real haproxy and
/// the rendered config. A SIGKILLed agent leaves haproxy serving and the restarted agent adopts it
/// (no second haproxy with stale routes beside it); a SIGKILLed master takes its workers with it, but
/// the agent holds the listening socket, so connections queue until the agent's new master takes
/// them. What a kill cannot spare, and what is counted: requests the dying workers had accepted.
/// </summary>
[Collection(EmulatorFixture.Collection)]
public sealed class SupervisionTests(EmulatorFixture emulators, ITestOutputHelper output) : IDisposable
{
    private const int Workers = 4;
    private readonly string _dir = Directory.CreateTempSubdirectory("pipeline-supervision-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Agent_WhenKilledUnderLoadAndRestarted_ShouldFailNoGetAndAdoptTheRunningHaproxy()
    {
        var (bucket, store, publisher, port) = await RoutesAsync();
        using var one = await EchoBackend.StartAsync("v1");
        using var two = await EchoBackend.StartAsync("v2");
        var settings = new RouterSettings("127.0.0.1", port, Path.Combine(_dir, "admin.sock"));
        await publisher.PublishAsync(HaproxyConfigRenderer.Render(Table("1.0.1-aaaaaaa", one.Port), settings), CancellationToken.None);
        await using var first = AgentProcess.Start(emulators.S3Endpoint, bucket, "r", _dir);
        await Until(async () => await ServesAsync(port, "v1"), first);
        var master = MasterPid();

        using var load = new GetLoad(port);
        await Task.Delay(1000);
        first.Kill();
        // What systemd's Restart=always (RestartSec=2) and the local stack's supervisor do.
        await Task.Delay(2000);
        await using var second = AgentProcess.Start(emulators.S3Endpoint, bucket, "r", _dir);
        // Its first round (adopt or start haproxy, then poll) before the next routes are published.
        await Until(() => Task.FromResult(second.Log.Contains("polling", StringComparison.Ordinal)), second);
        await Task.Delay(1000);
        var v2 = await publisher.PublishAsync(HaproxyConfigRenderer.Render(Table("1.0.2-bbbbbbb", two.Port), settings), CancellationToken.None);
        await Until(async () => (await store.GetStatusAsync("r", CancellationToken.None))?.AppliedVersion == v2.Current.Version, second);
        // Requests the old worker accepted before the reload may still finish on the old routes.
        await Task.Delay(300);
        var switched = load.Snapshot();
        await Task.Delay(1000);
        var result = await load.StopAsync();

        output.WriteLine($"{result}; load {File.ReadAllText("/proc/loadavg").Trim()}\n{second.Log}");
        Assert.True(result.Sent > 50, "too little load to show anything: " + result);
        Assert.Equal(0, result.Failed);
        Assert.Equal(master, MasterPid());
        Assert.True(result.Sent > switched.Sent, "no request after the switch");
        // Every answer after the reload comes from the new routes: no stale haproxy shares the port.
        Assert.Equal(0, result.Stale("v1", after: switched.Sent));
    }

    [Fact]
    public async Task Agent_WhenHaproxyMasterIsKilledUnderLoad_ShouldRestartItOnTheSameListeningSocket()
    {
        var (bucket, _, publisher, port) = await RoutesAsync();
        using var backend = await EchoBackend.StartAsync("v1");
        await publisher.PublishAsync(HaproxyConfigRenderer.Render(Table("1.0.1-aaaaaaa", backend.Port), new RouterSettings("127.0.0.1", port, Path.Combine(_dir, "admin.sock"))), CancellationToken.None);
        // A poll interval far above the restart time: the agent must restart haproxy when it dies, not at its next poll.
        await using var agent = AgentProcess.Start(emulators.S3Endpoint, bucket, "r", _dir, pollInterval: "5s");
        await Until(async () => await ServesAsync(port, "v1"), agent);
        var master = MasterPid();

        using var load = new GetLoad(port);
        await Task.Delay(1000);
        var before = load.Snapshot();
        Process.GetProcessById(master).Kill();
        var killed = Stopwatch.StartNew();
        await Until(() => Task.FromResult(MasterPidOrZero() is not 0 and var pid && pid != master && agent.Log.Contains("started haproxy master " + pid, StringComparison.Ordinal)), agent);
        var restartedAfter = killed.Elapsed;
        await Task.Delay(1500);
        var result = await load.StopAsync();

        output.WriteLine($"{result}; restarted after {restartedAfter.TotalMilliseconds:0} ms; load {File.ReadAllText("/proc/loadavg").Trim()}\n{agent.Log}");
        Assert.True(before.Sent > 10 && result.Sent - before.Sent > 20, "too little load to show anything: " + result);
        // Only requests the killed workers had accepted may fail: at most one per client.
        Assert.True(result.Failed <= Workers, $"{result.Failed} GETs failed, more than the {Workers} a kill can catch in flight: {result}");
    }

    private async Task<(string Bucket, S3RoutesStore Store, RoutesConfigPublisher Publisher, int Port)> RoutesAsync()
    {
        var bucket = await emulators.CreateBucketAsync("routes");
        var table = EmulatorFixture.UniqueName("registry");
        await Pipeline.Aws.Registry.DynamoDbRegistry.EnsureTableAsync(emulators.DynamoDb, table);
        var store = new S3RoutesStore(emulators.S3, bucket);
        var sequence = new DynamoDbRoutesSequence(emulators.DynamoDb, table, DynamoDbRoutesSequence.HaproxyKey);
        return (bucket, store, new RoutesConfigPublisher(sequence, store, TimeProvider.System, RoutesConfigPublisherOptions.Default), FreePort.Next());
    }

    private static RoutingTable Table(string version, int port) => new(
    [
        new ServiceRouting("web", version, HealthCheck.Default("/health"), [new Route(null, "/app")], [new RouteTarget("t-" + port, "127.0.0.1", port)]),
    ]);

    private int MasterPid() => MasterPidOrZero() is not 0 and var pid ? pid : throw new InvalidOperationException("no haproxy pid file");

    private int MasterPidOrZero() =>
        File.Exists(Path.Combine(_dir, "haproxy.cfg.pid")) && int.TryParse(File.ReadAllText(Path.Combine(_dir, "haproxy.cfg.pid")).Trim(), CultureInfo.InvariantCulture, out var pid) ? pid : 0;

    private static async Task<bool> ServesAsync(int port, string name)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            return (await client.GetStringAsync(new Uri($"http://127.0.0.1:{port}/app/x"))).StartsWith(name + " ", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static async Task Until(Func<Task<bool>> condition, AgentProcess agent)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("condition not met within 30 s; agent log:\n" + agent.Log);
            }

            await Task.Delay(50);
        }
    }

    /// <summary>GETs through the front port on <see cref="Workers"/> clients, each answer's backend name kept in order.</summary>
    private sealed class GetLoad : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<string> _answers = [];
        private readonly Task[] _workers;
        private long _failed;

        public GetLoad(int port) =>
            _workers = [.. Enumerable.Range(0, Workers).Select(_ => RunAsync(new Uri($"http://127.0.0.1:{port}/app/x")))];

        public LoadResult Snapshot()
        {
            lock (_answers)
            {
                return new LoadResult([.. _answers], Interlocked.Read(ref _failed));
            }
        }

        public async Task<LoadResult> StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_workers);
            return Snapshot();
        }

        public void Dispose() => _stop.Dispose();

        private async Task RunAsync(Uri uri)
        {
            // A client per worker with no pooled connection to reuse: every GET is a new connection, as haproxy closes each.
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            while (!_stop.IsCancellationRequested)
            {
                string answer;
                try
                {
                    answer = (await client.GetStringAsync(uri, CancellationToken.None)).Split(' ')[0];
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref _failed);
                    answer = "failed: " + e.Message;
                }

                lock (_answers)
                {
                    _answers.Add(answer);
                }
            }
        }
    }

    private sealed record LoadResult(IReadOnlyList<string> Answers, long Failed)
    {
        public int Sent => Answers.Count;

        /// <summary>Answers from <paramref name="backend"/> among those after the first <paramref name="after"/>.</summary>
        public int Stale(string backend, int after) => Answers.Skip(after).Count(a => a == backend);

        public override string ToString() =>
            $"{Sent} GETs, {Failed} failed" + (Failed > 0 ? $" (first: {Answers.First(a => a.StartsWith("failed", StringComparison.Ordinal))})" : "");
    }
}
