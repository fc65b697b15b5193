using Microsoft.Extensions.Time.Testing;
using Pipeline.Core.Manifest;
using Pipeline.Core.Routing;

namespace Pipeline.Composer.Tests;

/// <summary>The composer serves what the config the router agent applied carries, and follows it.</summary>
public sealed class ConfigWatcherTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("composer-").FullName;

    [Fact]
    public void Refresh_WhenTheAgentReplacesTheConfig_ShouldServeExactlyTheNewCompositions()
    {
        var path = Path.Combine(_directory, "haproxy.cfg");
        var clock = new FakeTimeProvider();
        var catalog = new CompositionCatalog(clock: clock);
        var watcher = new ConfigWatcher(path, catalog, _ => { });
        Assert.False(watcher.Refresh());

        Apply(path, "name: shop\ncompose:\n  - path: /shop/{id}\n    calls: { a: { service: a, path: \"/a/{id}\" } }\n");
        Assert.True(watcher.Refresh());
        Assert.NotNull(catalog.Resolve("GET", "/shop/1").Composition);
        Assert.False(watcher.Refresh());

        Apply(path, "name: shop\ncompose:\n  - path: /basket/{id}\n    calls: { a: { service: a, path: /a } }\n");
        Assert.True(watcher.Refresh());
        Assert.NotNull(catalog.Resolve("GET", "/basket/1").Composition);
        Assert.Equal(1, catalog.Count);

        // HAProxy's old workers may still send the removed path until the new ones take over.
        Assert.NotNull(catalog.Resolve("GET", "/shop/1").Composition);
        clock.Advance(CompositionCatalog.DefaultRemovalGrace);
        Assert.Null(catalog.Resolve("GET", "/shop/1").Composition);
        Assert.NotNull(catalog.Resolve("GET", "/basket/1").Composition);
    }

    [Fact]
    public async Task Request_WhenItsCompositionArrivedAfterTheLastPoll_ShouldBeAnsweredNot404()
    {
        var path = Path.Combine(_directory, "haproxy.cfg");
        var catalog = new CompositionCatalog();
        var watcher = new ConfigWatcher(path, catalog, _ => { });
        using var calls = CompositionRunner.CreateClient(new Uri("http://127.0.0.1:9"));
        var port = ServiceBackends.FreePort();
        await using var composer = ComposerServer.Build(port, catalog, new CompositionRunner(calls), watcher.Refresh);
        await composer.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        Apply(path, "name: shop\ncompose:\n  - path: /shop/{id}\n    calls: { a: { service: a, path: /a } }\n    require: []\n");

        // No poll ran: the request itself finds the new config.
        using var response = await client.GetAsync(new Uri("/shop/1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"errors\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var unknown = await client.GetAsync(new Uri("/basket/1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public void Refresh_WhenACompositionLineIsBroken_ShouldKeepThePreviousCompositions()
    {
        var path = Path.Combine(_directory, "haproxy.cfg");
        var catalog = new CompositionCatalog();
        var logged = new List<string>();
        var watcher = new ConfigWatcher(path, catalog, logged.Add);
        Apply(path, "name: shop\ncompose:\n  - path: /shop/{id}\n    calls: { a: { service: a, path: /a } }\n");
        watcher.Refresh();

        File.WriteAllText(path, "global\n# compose {\"broken\n");
        Assert.False(watcher.Refresh());

        Assert.Equal(1, catalog.Count);
        Assert.Contains(logged, l => l.StartsWith("kept the previous compositions", StringComparison.Ordinal));
    }

    private static void Apply(string path, string yaml)
    {
        var table = ManifestRouting.Preview([ManifestParser.Parse(yaml)]);
        var temp = path + ".candidate";
        File.WriteAllText(temp, HaproxyConfigRenderer.Render(table, RouterSettings.Default).Text);
        // The file's time alone may not move within one clock tick; the agent's rename always
        // changes what is read, so the length differs here to model a new version.
        File.Move(temp, path, overwrite: true);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(Random.Shared.Next(1, 1000)));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
