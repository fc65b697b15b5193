using System.Net;

namespace Pipeline.RouterAgent;

/// <summary>
/// GET /ready for the load balancer in front of the routers: 200 once the agent runs the current
/// routes, 503 before. HAProxy answering alone is not enough: a router that just started serves
/// its boot config until its first apply, and must not take traffic meanwhile.
/// </summary>
public sealed class ReadinessEndpoint(int port, Func<bool> ready, Func<long?> applied) : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private Task? _serving;

    public void Start(CancellationToken stop)
    {
        _listener.Prefixes.Add($"http://*:{port}/");
        _listener.Start();
        _serving = ServeAsync(stop);
    }

    private async Task ServeAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && _listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().WaitAsync(stop);
            }
            catch (Exception e) when (e is OperationCanceledException or HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var isReady = ready();
            var (status, body) = context.Request.Url?.AbsolutePath != "/ready" ? (404, "not found\n")
                : isReady ? (200, $"ready: routes version {applied()?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none published"}\n")
                : (503, "not ready: the current routes are not applied yet\n");
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes, CancellationToken.None);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Close();
        if (_serving is not null)
        {
            await _serving;
        }
    }
}
