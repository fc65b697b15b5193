using Amazon.DynamoDBv2.Model;
using Pipeline.Aws.Routing;

namespace Pipeline.RouterAgent.Tests;

[Collection(EmulatorFixture.Collection)]
public sealed class RouterAgentIntegrationTests(EmulatorFixture emulators, ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pipeline-router-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A fresh routes bucket and registry table, and the publisher the PublishRoutes function composes over them.</summary>
    private async Task<(string Bucket, S3RoutesStore Store, RoutesConfigPublisher Publisher)> RoutesBucketAsync()
    {
        var bucket = await emulators.CreateBucketAsync("routes");
        var table = EmulatorFixture.UniqueName("registry");
        await Pipeline.Aws.Registry.DynamoDbRegistry.EnsureTableAsync(emulators.DynamoDb, table);
        var store = new S3RoutesStore(emulators.S3, bucket);
        var sequence = new DynamoDbRoutesSequence(emulators.DynamoDb, table, DynamoDbRoutesSequence.HaproxyKey);
        return (bucket, store, new RoutesConfigPublisher(sequence, store, TimeProvider.System, RoutesConfigPublisherOptions.Default));
    }

    [Fact]
    public async Task Agent_WhenV1ThenV2ThenInvalidV3Published_ShouldServeV1ThenV2AndRejectV3()
    {
        var (bucket, store, publisher) = await RoutesBucketAsync();
        var port = FreePort.Next();
        var settings = new RouterSettings("127.0.0.1", port, Path.Combine(_dir, "admin.sock"));
        using var one = await EchoBackend.StartAsync("v1");
        using var two = await EchoBackend.StartAsync("v2");

        var v1 = await publisher.PublishAsync(HaproxyConfigRenderer.Render(Table("1.0.1-aaaaaaa", one.Port), settings), CancellationToken.None);
        await using var agent = AgentProcess.Start(emulators.S3Endpoint, bucket, "router-a", _dir);

        await Eventually(async () => Assert.Equal("v1 /app/x\n", await Get(port, "/app/x")), agent);
        await Eventually(async () => Assert.Equal(v1.Current.Version, (await store.GetStatusAsync("router-a", CancellationToken.None))?.AppliedVersion), agent);
        var notFound = await _http.GetAsync(new Uri($"http://127.0.0.1:{port}/elsewhere"));
        Assert.Equal(404, (int)notFound.StatusCode);
        Assert.Equal(HaproxyConfigWriter.NotFoundBody, await notFound.Content.ReadAsStringAsync());

        var v2 = await publisher.PublishAsync(HaproxyConfigRenderer.Render(Table("1.0.2-bbbbbbb", two.Port), settings), CancellationToken.None);
        await Eventually(async () => Assert.Equal("v2 /app/x\n", await Get(port, "/app/x")), agent);
        await Eventually(async () => Assert.Equal(v2.Current.Version, (await store.GetStatusAsync("router-a", CancellationToken.None))?.AppliedVersion), agent);

        // Only lines the renderer writes, so haproxy -c is what refuses it: the backend does not exist.
        var broken = "global\n    maxconn 10\nfrontend http\n    bind 127.0.0.1:" + port + "\n    use_backend svc_missing\n";
        var v3 = await publisher.PublishAsync(new RenderedConfig(broken, RenderedConfig.HashOf(broken)), CancellationToken.None);
        await Eventually(async () => Assert.Equal(v3.Current.Version, (await store.GetStatusAsync("router-a", CancellationToken.None))?.RejectedVersion), agent);

        RouterStatus? status = null;
        await Eventually(async () => status = await store.GetStatusAsync("router-a", CancellationToken.None), agent);
        Assert.Equal(v2.Current.Version, status!.AppliedVersion);
        Assert.Contains("haproxy -c", status.LastError, StringComparison.Ordinal);
        Assert.Contains("missing", status.LastError, StringComparison.Ordinal);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("v2 /app/x\n", await Get(port, "/app/x"));
        }

        Assert.Equal(HaproxyConfigRenderer.Render(Table("1.0.2-bbbbbbb", two.Port), settings).Text, await File.ReadAllTextAsync(Path.Combine(_dir, "haproxy.cfg")));

        // A bucket writer's config that haproxy -c would accept and that would run a shell on every health check.
        var shell = broken.Replace("use_backend svc_missing", "default_backend svc_web", StringComparison.Ordinal)
            .Replace("    maxconn 10\n", "    insecure-fork-wanted\n    external-check\n", StringComparison.Ordinal)
            + "backend svc_web\n    option external-check\n    external-check command /bin/sh\n    server t1 127.0.0.1:" + two.Port + " check\n";
        var v4 = await publisher.PublishAsync(new RenderedConfig(shell, RenderedConfig.HashOf(shell)), CancellationToken.None);
        await Eventually(async () => Assert.Equal(v4.Current.Version, (await store.GetStatusAsync("router-a", CancellationToken.None))?.RejectedVersion), agent);
        await Eventually(async () => status = await store.GetStatusAsync("router-a", CancellationToken.None), agent);
        Assert.Equal(v2.Current.Version, status!.AppliedVersion);
        Assert.Contains("the renderer never writes", status.LastError, StringComparison.Ordinal);
        Assert.Contains("insecure-fork-wanted", status.LastError, StringComparison.Ordinal);
        Assert.Equal("v2 /app/x\n", await Get(port, "/app/x"));
        output.WriteLine(agent.Log);
    }

    [Fact]
    public async Task Agents_WhenTwoShareAHostAndOnePublishedConfig_ShouldEachListenOnTheirOwnPortAndSocketAcrossAReload()
    {
        var (bucket, store, publisher) = await RoutesBucketAsync();
        // Nothing listens on the published port: each router overrides it.
        var published = new RouterSettings("127.0.0.1", FreePort.Next(), Path.Combine(_dir, "published.sock"));
        using var one = await EchoBackend.StartAsync("v1");
        using var two = await EchoBackend.StartAsync("v2");
        await publisher.PublishAsync(HaproxyConfigRenderer.Render(Table("1.0.1-aaaaaaa", one.Port), published), CancellationToken.None);
        var ports = new[] { FreePort.Next(), FreePort.Next() };
        var dirs = new[] { Directory.CreateDirectory(Path.Combine(_dir, "r1")).FullName, Directory.CreateDirectory(Path.Combine(_dir, "r2")).FullName };
        await using var first = AgentProcess.Start(emulators.S3Endpoint, bucket, "r1", dirs[0],
            extra: ["--port", ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture), "--runtime-socket", Path.Combine(dirs[0], "admin.sock")]);
        await using var second = AgentProcess.Start(emulators.S3Endpoint, bucket, "r2", dirs[1],
            extra: ["--port", ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture), "--runtime-socket", Path.Combine(dirs[1], "admin.sock")]);

        await Eventually(async () => Assert.Equal("v1 /app/x\n", await Get(ports[0], "/app/x")), first);
        await Eventually(async () => Assert.Equal("v1 /app/x\n", await Get(ports[1], "/app/x")), second);
        var v2 = await publisher.PublishAsync(HaproxyConfigRenderer.Render(Table("1.0.2-bbbbbbb", two.Port), published), CancellationToken.None);
        await Eventually(async () => Assert.Equal(v2.Current.Version, (await store.GetStatusAsync("r1", CancellationToken.None))?.AppliedVersion), first);
        await Eventually(async () => Assert.Equal(v2.Current.Version, (await store.GetStatusAsync("r2", CancellationToken.None))?.AppliedVersion), second);

        Assert.Equal("v2 /app/x\n", await Get(ports[0], "/app/x"));
        Assert.Equal("v2 /app/x\n", await Get(ports[1], "/app/x"));
        Assert.True(File.Exists(Path.Combine(dirs[0], "admin.sock")) && File.Exists(Path.Combine(dirs[1], "admin.sock")));
        Assert.False(File.Exists(published.RuntimeSocketPath));
        Assert.False(await FreePort.IsListeningAsync(published.Port, CancellationToken.None));
    }

    private static RoutingTable Table(string version, int port) => new(
    [
        new ServiceRouting("web", version, HealthCheck.Default("/health"), [new Route(null, "/app")], [new RouteTarget("t-" + port, "127.0.0.1", port)]),
    ]);

    private async Task<string> Get(int port, string path) => await _http.GetStringAsync(new Uri($"http://127.0.0.1:{port}{path}"));

    private static async Task Eventually(Func<Task> assertion, AgentProcess agent)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await assertion();
                return;
            }
            // Not yet: haproxy not serving the new config, or the agent's report not written yet
            // (NoSuchKey). A report read while the agent rewrites it is one whole version (S3, and
            // s3rver through local/emulators/s3rver.js), so a torn read fails the test.
            catch (Exception e) when (DateTime.UtcNow < deadline && e is Xunit.Sdk.XunitException or HttpRequestException or TaskCanceledException or Amazon.Runtime.AmazonServiceException)
            {
                await Task.Delay(100);
            }
            catch (Exception e) when (e is Xunit.Sdk.XunitException or HttpRequestException or TaskCanceledException or Amazon.Runtime.AmazonServiceException)
            {
                throw new InvalidOperationException("condition not met within 30 s; agent log:\n" + agent.Log, e);
            }
        }
    }
}
