using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Pipeline.Testing;

/// <summary>
/// A Kestrel server on 127.0.0.1 and a port the system picks, serving what a test maps on it (a local
/// AWS API, a stand-in endpoint); stopped and disposed with the test. Logging is off so a test's output
/// holds only what the test says.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app)
    {
        _app = app;
        Url = app.Urls.First();
    }

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string Url { get; }

    public Uri BaseAddress => new(Url);

    public static async Task<LoopbackServer> StartAsync(Action<WebApplication> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new LoopbackServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
