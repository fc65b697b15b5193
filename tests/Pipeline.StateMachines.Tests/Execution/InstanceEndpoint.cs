using System.Net;

namespace Pipeline.StateMachines.Tests.Execution;

/// <summary>
/// What a launched instance shows the load balancer: an HTTP port answering every request (its
/// health check path included) with one status code, until the instance dies and the port refuses
/// connections. The local ELBv2 service health-checks it for real.
/// </summary>
internal sealed class InstanceEndpoint : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    public InstanceEndpoint(int status)
    {
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = ServeAsync(status);
    }

    public int Port { get; }

    /// <summary>The instance dies: its port stops answering.</summary>
    public async ValueTask DisposeAsync()
    {
        _listener.Close();
        await _serving;
    }

    private async Task ServeAsync(int status)
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            context.Response.StatusCode = status;
            context.Response.Close();
        }
    }
}
