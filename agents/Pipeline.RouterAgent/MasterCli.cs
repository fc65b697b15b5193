using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Pipeline.RouterAgent;

/// <summary>The master's reload counters and current workers, as <c>show proc</c> prints them.</summary>
public sealed record MasterProcesses(int MasterPid, int Reloads, int FailedReloads, IReadOnlyList<int> Workers);

/// <summary>One-shot commands on haproxy's master CLI socket (<c>-S</c>).</summary>
public static partial class MasterCli
{
    public static async Task<string> SendAsync(string socketPath, string command, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), timeout.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes(command + "\n"), SocketFlags.None, timeout.Token);

        // The master CLI answers and closes only once the client has closed its sending side.
        socket.Shutdown(SocketShutdown.Send);
        var answer = new StringBuilder();
        var buffer = new byte[8192];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return answer.ToString();
    }

    public static async Task<MasterProcesses> ShowProcAsync(string socketPath, CancellationToken cancellationToken) =>
        ParseShowProc(await SendAsync(socketPath, "show proc", cancellationToken));

    /// <summary>Parses haproxy 2.6 <c>show proc</c>: the master line, then "# workers", then "# old workers".</summary>
    public static MasterProcesses ParseShowProc(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var master = MasterLine().Match(text);
        if (!master.Success)
        {
            throw new FormatException("no master line in show proc output: " + text);
        }

        var workers = new List<int>();
        var section = "";
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#'))
            {
                section = line.Trim();
                continue;
            }

            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (section == "# workers" && fields.Length >= 2 && fields[1] == "worker")
            {
                workers.Add(int.Parse(fields[0], CultureInfo.InvariantCulture));
            }
        }

        return new MasterProcesses(
            int.Parse(master.Groups["pid"].Value, CultureInfo.InvariantCulture),
            int.Parse(master.Groups["reloads"].Value, CultureInfo.InvariantCulture),
            int.Parse(master.Groups["failed"].Value, CultureInfo.InvariantCulture),
            workers);
    }

    [GeneratedRegex(@"^(?<pid>\d+)\s+master\s+(?<reloads>\d+)\s+\[failed:\s*(?<failed>\d+)\]", RegexOptions.Multiline)]
    private static partial Regex MasterLine();
}
