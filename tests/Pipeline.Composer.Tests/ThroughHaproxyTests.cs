using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Pipeline.Core.Manifest;
using Pipeline.Core.Routing;

namespace Pipeline.Composer.Tests;

/// <summary>
/// The whole path on one machine: the real haproxy runs the rendered config, sends the composition's
/// prefix to the composer, and the composer's calls come back through haproxy's compose_calls frontend
/// to the services' backends.
/// </summary>
public sealed class ThroughHaproxyTests
{
    [Fact]
    public async Task Get_ThroughTheFrontPort_ShouldReachTheComposerAndTheServicesThroughHaproxy()
    {
        await using var stack = await HaproxyStack.StartAsync();
        var (status, body, closed) = await stack.ComposeAsync("/storefront/customers/c%2F1");

        Assert.True(status == HttpStatusCode.OK, body);
        Assert.True(body == """{"orders":{"orders":["o1"]},"catalog":{"items":["i1"]}}""", body);
        Assert.Contains(stack.Services.Requests, r => r.Service == "orders" && r.Target == "/orders?customerId=c%2F1");
        Assert.True(closed, "the front closes every client connection after its response (hitless reloads)");
    }

    [Fact]
    public async Task Compositions_ThroughHaproxy_ShouldKeepTheComposersConnectionsAndItsGetCallsOpen()
    {
        await using var stack = await HaproxyStack.StartAsync();
        var before = await stack.StatsAsync();
        stack.Services.Requests.Clear();
        for (var i = 0; i < 20; i++)
        {
            var (status, body, closed) = await stack.ComposeAsync($"/storefront/customers/c{i}");
            Assert.True(status == HttpStatusCode.OK, body);
            Assert.True(closed, "every client connection of the front port is closed after its response");
        }

        var after = await stack.StatsAsync();
        var calls = stack.Services.Requests.ToList();
        Assert.Equal(40, calls.Count);
        // Two calls at once per composition: at most a few connections at each hop, not one per request.
        var callsConnections = after.Field("compose_calls", "FRONTEND", "conn_tot") - before.Field("compose_calls", "FRONTEND", "conn_tot");
        Assert.True(callsConnections <= 4, $"the composer opened {callsConnections} connections to compose_calls for 40 calls");
        var composerConnections = after.Field("composer", "BACKEND", "connect") - before.Field("composer", "BACKEND", "connect");
        Assert.True(composerConnections <= 4, $"haproxy opened {composerConnections} connections to the composer for 20 compositions");
        // Per service: the kept ones, and one for the first call on each new composer connection.
        var targetConnections = calls.Select(c => c.Connection).Distinct().Count();
        Assert.True(targetConnections <= 8, $"haproxy opened {targetConnections} connections to the targets for 40 GET calls");
    }

    [Fact]
    public async Task PostCompositions_ThroughHaproxy_ShouldSendEachCallOnAConnectionOfItsOwn()
    {
        // A target may close a kept connection as a request goes out on it, and a POST is not sent twice.
        await using var stack = await HaproxyStack.StartAsync();
        stack.Services.Requests.Clear();
        for (var i = 0; i < 5; i++)
        {
            var (status, body) = await stack.PostAsync("/storefront/orders", $$"""{"n":{{i}}}""");
            Assert.True(status == HttpStatusCode.OK, body);
        }

        var calls = stack.Services.Requests.ToList();
        Assert.Equal(10, calls.Count);
        Assert.All(calls, c => Assert.Equal("POST", c.Method));
        Assert.Equal(10, calls.Select(c => c.Connection).Distinct().Count());
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task Compositions_WhenARequiredCallFails_ShouldBeAnsweredOnceAndNotTriedAgainByHaproxy(string method)
    {
        // The 502 is the composition's answer: haproxy trying it again would call every service again.
        await using var stack = await HaproxyStack.StartAsync();
        stack.Services.Json("orders", """{"error":"down"}""", status: 500);
        stack.Services.Requests.Clear();

        var (status, body) = method == "GET"
            ? await stack.GetAsync("/storefront/customers/c1")
            : await stack.PostAsync("/storefront/orders", """{"n":1}""");

        Assert.True(status == HttpStatusCode.BadGateway, body);
        Assert.Contains("\"orders\":\"status 500\"", body, StringComparison.Ordinal);
        Assert.Equal(["catalog", "orders"], stack.Services.Requests.Select(r => r.Service).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Compositions_WhileHaproxyReloads_ShouldAllSucceedOnTheComposersKeptConnections()
    {
        await using var stack = await HaproxyStack.StartAsync();
        using var load = new CancellationTokenSource();
        var failures = new List<string>();
        var answered = 0;
        async Task Loop(int worker)
        {
            for (var i = 0; !load.IsCancellationRequested; i++)
            {
                var (status, body, _) = await stack.ComposeAsync($"/storefront/customers/w{worker}-{i}");
                lock (failures)
                {
                    answered++;
                    if (status != HttpStatusCode.OK)
                    {
                        failures.Add($"{(int)status}: {body}");
                    }
                }
            }
        }

        var loops = Enumerable.Range(0, 4).Select(Loop).ToArray();
        for (var reload = 0; reload < 10; reload++)
        {
            await Task.Delay(300);
            await stack.ReloadAsync();
        }

        await Task.Delay(300);
        await load.CancelAsync();
        await Task.WhenAll(loops);
        Assert.True(failures.Count == 0, $"{failures.Count} of {answered} failed: {string.Join("; ", failures.Take(5))}");
        Assert.True(answered >= 40, $"{answered} compositions answered during 10 reloads");
    }

    /// <summary>Two services, the storefront composition, the composer and haproxy (master-worker, so it reloads as the router agent does).</summary>
    private sealed class HaproxyStack(ServiceBackends services, string directory, string adminSocket, Process haproxy, HttpClient calls,
        Microsoft.AspNetCore.Builder.WebApplication composer, int front) : IAsyncDisposable
    {
        public ServiceBackends Services => services;

        public static async Task<HaproxyStack> StartAsync()
        {
            var services = await ServiceBackends.StartAsync();
            services.Json("orders", """{"orders":["o1"]}""").Json("catalog", """{"items":["i1"]}""");
            var directory = Directory.CreateTempSubdirectory("compose-haproxy-").FullName;
            var front = ServiceBackends.FreePort();
            var composerPort = ServiceBackends.FreePort();
            var callsPort = ServiceBackends.FreePort();
            var socket = Path.Combine(directory, "admin.sock");
            var settings = new RouterSettings("127.0.0.1", front, socket, ComposerPort: composerPort, ComposerCallsPort: callsPort);
            ServiceRouting Backend(string yaml) =>
                ManifestRouting.For(ManifestParser.Parse(yaml), "1", [new RouteTarget("t1", "127.0.0.1", services.Port)]);
            var table = new RoutingTable([
                Backend("name: orders\nport: 1\nbuild: { artifact: a }\nroutes: [ { pathPrefix: /orders } ]\nhealth: { path: /orders }\n"),
                Backend("name: catalog\nport: 1\nbuild: { artifact: a }\nroutes: [ { pathPrefix: /items } ]\nhealth: { path: /items }\n"),
                ManifestRouting.For(ManifestParser.Parse("""
                    name: storefront
                    compose:
                      - path: /storefront/customers/{customerId}
                        calls:
                          orders:  { service: orders,  path: "/orders?customerId={customerId}" }
                          catalog: { service: catalog, path: /items }
                        require: [orders]
                      - path: /storefront/orders
                        method: POST
                        calls:
                          orders:  { service: orders,  path: /orders }
                          catalog: { service: catalog, path: /items/reservations }
                        require: [orders]
                    """), "1", []),
            ]);
            var config = Path.Combine(directory, "haproxy.cfg");
            await File.WriteAllTextAsync(config, HaproxyConfigRenderer.Render(table, settings).Text);
            var catalog = new CompositionCatalog();
            Assert.True(new ConfigWatcher(config, catalog, _ => { }).Refresh());
            var calls = CompositionRunner.CreateClient(new Uri($"http://127.0.0.1:{callsPort}"));
            var composer = ComposerServer.Build(composerPort, catalog, new CompositionRunner(calls));
            await composer.StartAsync();
            var haproxy = Process.Start(new ProcessStartInfo("/usr/sbin/haproxy", ["-W", "-db", "-f", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            var stack = new HaproxyStack(services, directory, socket, haproxy, calls, composer, front);
            for (var attempt = 0; attempt < 100; attempt++)
            {
                try
                {
                    if ((await stack.ComposeAsync("/storefront/customers/ready")).Status == HttpStatusCode.OK)
                    {
                        return stack;
                    }
                }
                catch (HttpRequestException)
                {
                    // haproxy not listening yet
                }

                await Task.Delay(100);
            }

            await stack.DisposeAsync();
            throw new InvalidOperationException("haproxy did not answer a composition within 10 s");
        }

        /// <summary>One request on a connection of its own, as a client of the front port.</summary>
        public async Task<(HttpStatusCode Status, string Body, bool Closed)> ComposeAsync(string path)
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{front}") };
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.ConnectionClose == true);
        }

        public async Task<(HttpStatusCode Status, string Body)> GetAsync(string path)
        {
            var (status, body, _) = await ComposeAsync(path);
            return (status, body);
        }

        /// <summary>One POST on a connection of its own.</summary>
        public async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, string json)
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{front}") };
            using var response = await client.PostAsync(new Uri(path, UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        /// <summary>haproxy's counters now (the runtime API's <c>show stat</c>).</summary>
        public Task<HaproxyStats> StatsAsync() => HaproxyStats.ReadAsync(adminSocket);

        /// <summary>A hitless reload, as the router agent's: the master starts new workers, the old ones finish and leave.</summary>
        public async Task ReloadAsync()
        {
            using var kill = Process.Start("/bin/kill", ["-USR2", haproxy.Id.ToString(CultureInfo.InvariantCulture)])!;
            await kill.WaitForExitAsync();
            Assert.Equal(0, kill.ExitCode);
        }

        public async ValueTask DisposeAsync()
        {
            haproxy.Kill(entireProcessTree: true);
            await haproxy.WaitForExitAsync();
            haproxy.Dispose();
            await composer.DisposeAsync();
            calls.Dispose();
            await services.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }
}
