using System.Net;
using System.Net.Sockets;

namespace Pipeline.RouterAgent.Tests;

internal static class FreePorts
{
    /// <summary>A loopback port the OS just handed out, for haproxy's frontend.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
