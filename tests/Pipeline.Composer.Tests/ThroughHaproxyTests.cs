using System.Diagnostics;
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
        await using var services = await ServiceBackends.StartAsync();
        services.Json("orders", """{"orders":["o1"]}""").Json("catalog", """{"items":["i1"]}""");
        var directory = Directory.CreateTempSubdirectory("compose-haproxy-").FullName;
        var front = ServiceBackends.FreePort();
        var composerPort = ServiceBackends.FreePort();
        var callsPort = ServiceBackends.FreePort();
        var settings = new RouterSettings("127.0.0.1", front, Path.Combine(directory, "admin.sock"), ComposerPort: composerPort, ComposerCallsPort: callsPort);
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
        using var calls = CompositionRunner.CreateClient(new Uri($"http://127.0.0.1:{callsPort}"));
        await using var composer = ComposerServer.Build(composerPort, catalog, new CompositionRunner(calls));
        await composer.StartAsync();
        using var haproxy = Process.Start(new ProcessStartInfo("/usr/sbin/haproxy", ["-db", "-f", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{front}") };
            HttpResponseMessage? response = null;
            for (var attempt = 0; attempt < 50 && response?.StatusCode != HttpStatusCode.OK; attempt++)
            {
                await Task.Delay(100);
                try
                {
                    response?.Dispose();
                    response = await client.GetAsync(new Uri("/storefront/customers/c%2F1", UriKind.Relative));
                }
                catch (HttpRequestException)
                {
                    response = null; // haproxy not listening yet
                }
            }

            Assert.NotNull(response);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            Assert.True(body == """{"orders":{"orders":["o1"]},"catalog":{"items":["i1"]}}""", body);
            Assert.Contains(services.Requests, r => r.Service == "orders" && r.Target == "/orders?customerId=c%2F1");
            response.Dispose();
        }
        finally
        {
            haproxy.Kill();
            await haproxy.WaitForExitAsync();
            Directory.Delete(directory, recursive: true);
        }
    }
}
