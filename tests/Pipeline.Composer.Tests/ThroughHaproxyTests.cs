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
    public async Task Compositions_ThroughHaproxy_ShouldReuseTheComposersConnectionsToTheCallsFrontend()
    {
        await using var stack = await HaproxyStack.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            var (status, body, _) = await stack.ComposeAsync($"/storefront/customers/c{i}");
            Assert.True(status == HttpStatusCode.OK, body);
        }

        var (connections, requests) = await stack.CallsFrontendTotalsAsync();
        Assert.True(requests >= 40, $"{requests} calls");
        // Two calls at once per composition: at most a few connections, not one per call.
        Assert.True(connections <= 4, $"{connections} connections for {requests} calls");
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

        /// <summary>Connections and requests the compose_calls frontend has taken (the runtime API's <c>show stat</c>).</summary>
        public async Task<(int Connections, int Requests)> CallsFrontendTotalsAsync()
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(adminSocket));
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await stream.WriteAsync("show stat\n"u8.ToArray());
            var csv = await new StreamReader(stream).ReadToEndAsync();
            var lines = csv.Split('\n');
            var header = lines[0].TrimStart('#', ' ').Split(',');
            var row = lines.Select(l => l.Split(',')).Single(f => f[0] == "compose_calls" && f[1] == "FRONTEND");
            int Field(string name) => int.Parse(row[Array.IndexOf(header, name)], CultureInfo.InvariantCulture);
            return (Field("conn_tot"), Field("req_tot"));
        }

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
