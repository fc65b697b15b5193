using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pipeline.Dashboard;

/// <summary>
/// The web dashboard: a JSON API over <see cref="DashboardSources"/> and the page and its scripts,
/// all embedded in this assembly (no CDN, no files beside it). Listens on loopback only.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardServer(WebApplication app) => _app = app;

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:5123/</c>.</summary>
    public Uri Address => new(_app.Urls.First().TrimEnd('/') + "/");

    /// <param name="port">0 for any free port.</param>
    public static async Task<DashboardServer> StartAsync(DashboardSources sources, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(DashboardServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddSingleton(sources);
        var app = builder.Build();
        var api = new DashboardApi(sources);
        api.Map(app);
        MapAssets(app);
        await app.StartAsync(cancellationToken);
        return new DashboardServer(app);
    }

    /// <summary>Every embedded asset under its path; any other GET that is not the API gets the page (the client routes by hash).</summary>
    private static void MapAssets(WebApplication app)
    {
        var assembly = typeof(DashboardServer).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("wwwroot/", StringComparison.Ordinal)))
        {
            var path = name["wwwroot".Length..];
            var bytes = Read(assembly, name);
            var type = ContentType(path);
            app.MapGet(path, async (HttpContext http) => await Asset(http, bytes, type).ExecuteAsync(http));
            if (path == "/index.html")
            {
                app.MapGet("/", async (HttpContext http) => await Asset(http, bytes, type).ExecuteAsync(http));
            }
        }
    }

    private static IResult Asset(HttpContext http, byte[] bytes, string type)
    {
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["Content-Security-Policy"] = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:";
        return Results.Bytes(bytes, type);
    }

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string ContentType(string path) => Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".png" => "image/png",
        ".svg" => "image/svg+xml",
        _ => "text/plain; charset=utf-8",
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
