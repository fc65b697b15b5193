using System.Net;
using System.Net.Sockets;

namespace Pipeline.Local.Supervisor;

/// <summary>Loopback ports: free ones asked of the OS, requested ones checked before anything binds them.</summary>
internal static class Ports
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Throws a specific error when <paramref name="port"/> is already taken on 127.0.0.1.</summary>
    public static void EnsureFree(int port, string purpose)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            throw new StackFailureException(
                $"port {port} ({purpose}) is already in use on 127.0.0.1: stop what listens there " +
                $"(`ss -ltnp 'sport = :{port}'` shows it) or choose another with --port");
        }
    }

    public static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
