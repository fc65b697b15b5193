using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Pipeline.Composer.Tests;

/// <summary>The runtime settings the composer process starts with (its runtimeconfig.json, published beside it).</summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void RuntimeConfig_ShouldNotLetIdleThreadPoolWorkersSpin()
    {
        // Spinning idle workers (sched_yield in a loop) were ~40% of the composer's CPU on a 2-core router.
        var composer = typeof(ComposerServer).Assembly.Location;
        var path = Path.ChangeExtension(composer, ".runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.TryGetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", out var spinLimit), $"{path} sets no spin limit");
        Assert.Equal(0, spinLimit.GetInt32());
    }

    [Fact]
    public async Task Server_ShouldReadNoConfigurationFile()
    {
        // A configuration file is watched for changes: appsettings.json in the working directory, which
        // made the composer watch that whole tree (the repository and the stack's state locally).
        using var calls = CompositionRunner.CreateClient(new Uri("http://127.0.0.1:9"));
        await using var composer = ComposerServer.Build(ServiceBackends.FreePort(), new CompositionCatalog(), new CompositionRunner(calls));

        var providers = ((IConfigurationRoot)composer.Configuration).Providers.ToList();
        Assert.DoesNotContain(providers, p => p is FileConfigurationProvider);
    }

    [Fact]
    public async Task Server_ShouldKeepAnIdleConnectionOpenForHaproxyToSendTheNextCompositionOn()
    {
        // HAProxy shares its idle connections to the composer between compositions and closes them
        // itself: one the composer closed would meet the next composition (502, or a GET run twice).
        using var calls = CompositionRunner.CreateClient(new Uri("http://127.0.0.1:9"));
        var port = ServiceBackends.FreePort();
        await using var composer = ComposerServer.Build(port, new CompositionCatalog(), new CompositionRunner(calls));
        await composer.StartAsync();
        var connections = 0;
        using var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            ConnectCallback = async (context, cancel) =>
            {
                Interlocked.Increment(ref connections);
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancel);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        })
        { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/nothing", UriKind.Relative))).StatusCode);
        // Kestrel checks its connections' timeouts once a second.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/nothing", UriKind.Relative))).StatusCode);

        Assert.Equal(1, connections);
    }
}
