using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Pipeline.Local.Aws.Processes;

/// <summary>
/// A Kestrel server on 127.0.0.1, serving what its owner maps on it: a local AWS API of the stack (the
/// metering proxy, the token issuer) or a test's stand-in endpoint. It runs under
/// <see cref="EmbeddedServerLifetime"/>, so it starts and stops only when its owner says; logging is off
/// so the owner's output holds only what the owner says.
/// </summary>
/// <example>
/// <code>
/// await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/", () => "hello"));
/// using var http = new HttpClient { BaseAddress = server.BaseAddress };
/// </code>
/// </example>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app)
    {
        _app = app;
        BaseAddress = new Uri(app.Urls.First());
    }

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The base address without the trailing slash, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url => BaseAddress.GetLeftPart(UriPartial.Authority);

    public int Port => BaseAddress.Port;

    /// <summary>Starts serving what <paramref name="map"/> maps, on <paramref name="port"/> (0: a port the system picks).</summary>
    public static async Task<LoopbackServer> StartAsync(Action<WebApplication> map, int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(map);
        var builder = EmbeddedServerLifetime.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        var app = builder.Build();
        map(app);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new LoopbackServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
