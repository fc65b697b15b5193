using System.Text.RegularExpressions;
using Amazon.DynamoDBv2.Model;
using Pipeline.Aws.Registry;
using Pipeline.Aws.Routing;

namespace Pipeline.RouterAgent.Tests;

/// <summary>
/// wrk keeps HAProxy busy while the backend set is switched through the whole chain (publish to
/// S3, agent applies, master-worker reload). Every request must succeed. CI runs a short version;
/// bench/hitless-reload.sh runs it with BENCH_SWITCHES=20 and a 500 req/s floor.
/// </summary>
[Collection(EmulatorFixture.Collection)]
public sealed partial class HitlessReloadTests(EmulatorFixture emulators, ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pipeline-hitless-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var v) ? v : fallback;

    [Fact]
    public async Task Reload_WhenBackendSetSwitchedUnderLoad_ShouldFailNoRequest()
    {
        var switches = Setting("BENCH_SWITCHES", 4);
        var intervalMs = Setting("BENCH_SWITCH_INTERVAL_MS", 1500);
        var connections = Setting("BENCH_CONNECTIONS", 16);
        var delayMs = Setting("BENCH_DELAY_MS", 5);
        // The load lasts until every switch is applied plus two seconds; wrk's own limit only bounds a hang.
        var duration = Setting("BENCH_MAX_SECONDS", 300);
        var minRate = Setting("BENCH_MIN_RATE", 20);

        var bucket = await emulators.CreateBucketAsync("routes");
        var table = EmulatorFixture.UniqueName("registry");
        await DynamoDbRegistry.EnsureTableAsync(emulators.DynamoDb, table);
        var store = new S3RoutesStore(emulators.S3, bucket);
        var publisher = new RoutesConfigPublisher(
            new DynamoDbRoutesSequence(emulators.DynamoDb, table, DynamoDbRoutesSequence.HaproxyKey),
            store, TimeProvider.System, RoutesConfigPublisherOptions.Default);
        var port = FreePort.Next();
        var settings = new RouterSettings("127.0.0.1", port, Path.Combine(_dir, "admin.sock"));
        var backends = new List<EchoBackend>();
        try
        {
            foreach (var name in new[] { "a1", "a2", "b1", "b2" })
            {
                backends.Add(await EchoBackend.StartAsync(name));
            }

            RoutingTable Set(int n) => new(
            [
                new ServiceRouting("web", "1.0." + n.ToString(CultureInfo.InvariantCulture) + "-abcdef0", HealthCheck.Default("/health"), [new Route(null, "/")],
                    [.. backends.Skip(n % 2 * 2).Take(2).Select(b => new RouteTarget("t" + b.Port.ToString(CultureInfo.InvariantCulture), "127.0.0.1", b.Port))]),
            ]);

            var first = await publisher.PublishAsync(HaproxyConfigRenderer.Render(Set(0), settings), CancellationToken.None);
            await using var agent = AgentProcess.Start(emulators.S3Endpoint, bucket, "bench", _dir);
            await WaitApplied(store, first.Current.Version, TimeSpan.FromSeconds(60), agent);

            // wrk has no rate option; a pause between requests on each connection bounds the rate so
            // haproxy, the backends, s3rver and the agent share two cores without starving.
            var pace = Path.Combine(_dir, "pace.lua");
            await File.WriteAllTextAsync(pace, "function delay()\n  return " + delayMs.ToString(CultureInfo.InvariantCulture) + "\nend\n");
            using var wrk = Process.Start(new ProcessStartInfo("wrk",
            [
                "-t2", "-s", pace, "-c" + connections.ToString(CultureInfo.InvariantCulture), "-d" + duration.ToString(CultureInfo.InvariantCulture) + "s",
                "--timeout", "5s", $"http://127.0.0.1:{port}/load",
            ]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var wrkOut = wrk.StandardOutput.ReadToEndAsync();
            var load = Stopwatch.StartNew();
            var convergence = new List<double>();
            for (var n = 1; n <= switches; n++)
            {
                var due = TimeSpan.FromMilliseconds(n * intervalMs);
                if (load.Elapsed < due)
                {
                    await Task.Delay(due - load.Elapsed);
                }

                var started = load.Elapsed;
                var published = await publisher.PublishAsync(HaproxyConfigRenderer.Render(Set(n), settings), CancellationToken.None);
                await WaitApplied(store, published.Current.Version, TimeSpan.FromSeconds(30), agent);
                convergence.Add((load.Elapsed - started).TotalMilliseconds);
            }

            var switchedBy = load.Elapsed;
            await Task.Delay(2000);
            var outlasted = !wrk.HasExited;
            using (var interrupt = Process.Start("/bin/kill", ["-INT", wrk.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync(); // wrk prints its totals on SIGINT
            }

            await wrk.WaitForExitAsync();
            var report = Parse(await wrkOut);
            var text = string.Create(CultureInfo.InvariantCulture,
                $"switches={switches} (all applied by {switchedBy.TotalSeconds:0.0} s under load) connections={connections} pause={delayMs} ms "
                + $"requests={report.Requests} seconds={report.Seconds:0.00} rate={report.Requests / report.Seconds:0} req/s "
                + $"non2xx={report.Non2xx} socketErrors={report.SocketErrors} (connect {report.Connect}, read {report.Read}, write {report.Write}, timeout {report.Timeout}) "
                + $"switch->applied ms: median {convergence.Order().ElementAt(convergence.Count / 2):0}, max {convergence.Max():0}");
            output.WriteLine(text);
            if (Environment.GetEnvironmentVariable("BENCH_REPORT") is { Length: > 0 } reportFile)
            {
                await File.WriteAllTextAsync(reportFile, text + "\n");
            }

            Assert.True(outlasted, "the load ended before the last switch: " + text);
            Assert.Equal(0, report.Non2xx);
            Assert.Equal(0, report.SocketErrors);
            Assert.True(report.Requests / report.Seconds >= minRate, $"below {minRate} req/s: " + text);
        }
        finally
        {
            backends.ForEach(b => b.Dispose());
        }
    }

    private sealed record WrkReport(long Requests, double Seconds, long Non2xx, long Connect, long Read, long Write, long Timeout)
    {
        public long SocketErrors => Connect + Read + Write + Timeout;
    }

    private static WrkReport Parse(string text)
    {
        var total = TotalLine().Match(text);
        Assert.True(total.Success, "wrk printed no total: " + text);
        var errors = SocketLine().Match(text);
        var non2xx = Non2xxLine().Match(text);
        long Group(Match m, string name) => m.Success ? long.Parse(m.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
        return new WrkReport(
            Group(total, "requests"),
            double.Parse(total.Groups["seconds"].Value, CultureInfo.InvariantCulture) * (total.Groups["unit"].Value == "m" ? 60 : 1),
            Group(non2xx, "n"),
            Group(errors, "connect"), Group(errors, "read"), Group(errors, "write"), Group(errors, "timeout"));
    }

    private static async Task WaitApplied(S3RoutesStore store, long version, TimeSpan limit, AgentProcess agent)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await store.GetStatusAsync("bench", CancellationToken.None))?.AppliedVersion >= version)
                {
                    return;
                }
            }
            catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or ArgumentOutOfRangeException or HttpRequestException or IOException or System.Text.Json.JsonException)
            {
                // s3rver can serve an object (even empty) while the agent rewrites it, or drop a reply under load; read again.
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"routes version {version} not applied within {limit.TotalSeconds} s; agent log:\n{agent.Log}");
    }

    [GeneratedRegex(@"(?<requests>\d+) requests in (?<seconds>[\d.]+)(?<unit>m|s)")]
    private static partial Regex TotalLine();

    [GeneratedRegex(@"Socket errors: connect (?<connect>\d+), read (?<read>\d+), write (?<write>\d+), timeout (?<timeout>\d+)")]
    private static partial Regex SocketLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (?<n>\d+)")]
    private static partial Regex Non2xxLine();
}
