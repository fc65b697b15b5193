using Microsoft.AspNetCore.Builder;
using Pipeline.Core.Manifest;

namespace Pipeline.Composer.Tests;

/// <summary>A composer on its own port serving the compositions of one service.yaml, calling <see cref="ServiceBackends"/>.</summary>
public sealed class ComposerFixture : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _calls;

    private ComposerFixture(WebApplication app, HttpClient calls, int port)
    {
        _app = app;
        _calls = calls;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    public HttpClient Client { get; }

    public static async Task<ComposerFixture> StartAsync(string serviceYaml, Uri callsUrl)
    {
        var catalog = new CompositionCatalog();
        catalog.Replace(ManifestParser.Parse(serviceYaml).Compositions);
        var calls = CompositionRunner.CreateClient(callsUrl);
        var port = ServiceBackends.FreePort();
        var app = ComposerServer.Build(port, catalog, new CompositionRunner(calls));
        await app.StartAsync();
        return new ComposerFixture(app, calls, port);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
        _calls.Dispose();
    }
}
