using System.Globalization;
using System.Net.Sockets;

namespace Pipeline.Testing;

/// <summary>
/// HAProxy's counters and states as its runtime API's <c>show stat</c> gives them: one CSV row per
/// proxy and server, named by its first two columns (<c>pxname</c>, <c>svname</c>).
/// </summary>
public sealed class HaproxyStats
{
    private readonly string _csv;
    private readonly string[] _header;
    private readonly string[][] _rows;

    public HaproxyStats(string csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        _csv = csv;
        var lines = csv.Split('\n');
        _header = lines[0].TrimStart('#', ' ').Split(',');
        _rows = [.. lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(','))];
    }

    /// <summary><c>show stat</c> on the admin socket at <paramref name="socketPath"/>, now.</summary>
    public static async Task<HaproxyStats> ReadAsync(string socketPath)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync("show stat\n"u8.ToArray());
        using var reader = new StreamReader(stream);
        return new HaproxyStats(await reader.ReadToEndAsync());
    }

    /// <summary>One column of one row as text (status: UP, DOWN, MAINT...), or null when the row or column is absent.</summary>
    public string? Text(string proxy, string server, string column)
    {
        var index = Array.IndexOf(_header, column);
        var row = _rows.FirstOrDefault(r => r.Length > Math.Max(index, 1) && r[0] == proxy && r[1] == server);
        return index < 0 ? null : row?[index];
    }

    /// <summary>One counter of one row (an empty cell is 0); fails naming the row when it is absent.</summary>
    public int Field(string proxy, string server, string column)
    {
        var value = Text(proxy, server, column) ?? throw new InvalidOperationException($"show stat has no {proxy}/{server} {column}:\n{_csv}");
        return value.Length == 0 ? 0 : int.Parse(value, CultureInfo.InvariantCulture);
    }

    public override string ToString() => _csv;
}
