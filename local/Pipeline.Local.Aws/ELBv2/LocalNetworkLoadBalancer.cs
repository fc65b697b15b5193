using System.Net;
using System.Net.Sockets;

namespace Pipeline.Local.Aws.ELBv2;

/// <summary>
/// The local stand-in for the routers' Network Load Balancer: one TCP listener on 127.0.0.1 that
/// passes each connection, bytes untouched, to a target <see cref="NetworkTargets"/> chooses, and
/// health-checks every target over HTTP (<c>GET /ready</c> on its health port, 200-399 passes) as
/// the template's router target group does. A deregistered target drains: its open connections
/// finish, it gets no new one. A target that refuses a connection is skipped for that connection.
/// </summary>
public sealed class LocalNetworkLoadBalancer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly string _healthPath;
    private Task _accepting = Task.CompletedTask;
    private Task _checking = Task.CompletedTask;

    public LocalNetworkLoadBalancer(int port, NetworkHealthCheck check, string healthPath = "/ready")
    {
        Targets = new NetworkTargets(check);
        _healthPath = healthPath;
        _listener = new TcpListener(IPAddress.Loopback, port);
        // As ELB: one connection per check, closed after it.
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = check.Timeout };
    }

    public NetworkTargets Targets { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Start()
    {
        _listener.Start(512);
        _accepting = AcceptAsync(_stop.Token);
        _checking = CheckAsync(_stop.Token);
    }

    /// <summary>Waits until the target is healthy; false when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitUntilHealthyAsync(string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Targets.Describe().Any(t => t.Id == id && t.State == NetworkTargetState.Healthy))
            {
                return true;
            }

            await Task.Delay(200, cancellationToken);
        }

        return false;
    }

    /// <summary>Deregisters the target and waits until its open connections closed or the delay passed; then forgets it.</summary>
    public async Task<bool> DeregisterAndDrainAsync(string id, TimeSpan deregistrationDelay, CancellationToken cancellationToken)
    {
        Targets.Deregister(id);
        var deadline = DateTime.UtcNow + deregistrationDelay;
        var drained = Targets.IsDrained(id);
        while (!drained && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, cancellationToken);
            drained = Targets.IsDrained(id);
        }

        Targets.Remove(id);
        return drained;
    }

    private async Task CheckAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await Task.WhenAll(Targets.ToCheck().Select(async t => Targets.Record(t.Id, await PassesAsync(t, stop))));
            try
            {
                await Task.Delay(Targets.Check.Interval, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> PassesAsync(NetworkTarget target, CancellationToken stop)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{target.HealthPort}{_healthPath}"), stop);
            return (int)response.StatusCode is >= 200 and < 400;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private async Task AcceptAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(stop);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ForwardAsync(client, stop), CancellationToken.None);
        }
    }

    private async Task ForwardAsync(Socket client, CancellationToken stop)
    {
        using (client)
        {
            var refused = new List<string>();
            while (Targets.Acquire(refused) is { } target)
            {
                try
                {
                    using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    try
                    {
                        await upstream.ConnectAsync(IPAddress.Loopback, target.Port, stop);
                    }
                    catch (SocketException)
                    {
                        refused.Add(target.Id);
                        continue;
                    }

                    await PipeAsync(client, upstream, stop);
                    return;
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
                {
                    return;
                }
                finally
                {
                    Targets.Release(target.Id);
                }
            }

            // No target: the client sees a reset, as from an NLB with no target to send it to.
            client.LingerState = new LingerOption(true, 0);
        }
    }

    /// <summary>Both directions until each side has finished sending; a half-close is passed on, a reset closes both.</summary>
    private static async Task PipeAsync(Socket client, Socket upstream, CancellationToken stop)
    {
        static async Task CopyAsync(Socket from, Socket to, CancellationToken stop)
        {
            var buffer = new byte[16 * 1024];
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, stop);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                for (var sent = 0; sent < read;)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, stop);
                }
            }
        }

        var up = CopyAsync(client, upstream, stop);
        var down = CopyAsync(upstream, client, stop);
        if (await Task.WhenAny(up, down) is { IsCompletedSuccessfully: false })
        {
            client.Close();
            upstream.Close();
        }

        await Task.WhenAll(up, down);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await Task.WhenAll(_accepting, _checking);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _http.Dispose();
        _stop.Dispose();
    }
}
