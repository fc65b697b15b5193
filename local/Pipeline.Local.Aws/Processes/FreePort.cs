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

    /// <summary>
    /// A free port whose next port is free too, for a pair of listeners configured as "N and N + 1",
    /// below the kernel's ephemeral range: the second may be bound minutes later (haproxy binds the
    /// composer's calls frontend with the first composition), and a port in that range can meanwhile
    /// become the source port of any outgoing connection, which makes that bind fail.
    /// </summary>
    public static int NextPair()
    {
        var below = EphemeralLow();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = below > PairFloor + 2 ? Random.Shared.Next(PairFloor, below - 1) : Next();
            if (port < IPEndPoint.MaxPort && IsFree(port) && IsFree(port + 1))
            {
                return port;
            }
        }

        throw new InvalidOperationException("found no two adjacent free TCP ports on 127.0.0.1 in 200 tries");
    }

    private const int PairFloor = 10_000;

    /// <summary>The first port of the kernel's ephemeral range (32768 when it cannot be read).</summary>
    private static int EphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32_768;
        }
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
