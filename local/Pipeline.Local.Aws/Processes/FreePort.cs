using System.Net;
using System.Net.Sockets;

namespace Pipeline.Local.Aws.Processes;

/// <summary>
/// TCP ports on 127.0.0.1: a free one asked of the OS (other runs share the machine, so a port is
/// never fixed), whether a requested one is free before anything binds it, and whether one listens.
/// </summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A free port whose next port is free too, for a pair of listeners configured as "N and N + 1".</summary>
    public static int NextPair()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Next();
            if (port < IPEndPoint.MaxPort && IsFree(port + 1))
            {
                return port;
            }
        }

        throw new InvalidOperationException("found no two adjacent free TCP ports on 127.0.0.1 in 100 tries");
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            return false;
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
