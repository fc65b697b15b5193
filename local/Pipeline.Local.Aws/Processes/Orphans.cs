namespace Pipeline.Local.Aws.Processes;

/// <summary>
/// Processes a SIGKILLed stack left running: its emulators, haproxy, router agents and composer (each
/// names a path under the state directory on its command line) and its fleet's instances (each has
/// <c>PIPELINE_INSTANCE_ID</c> in its environment and runs under the state directory). They hold the
/// front port and the state's files, so the next stack on that directory stops them before it starts.
/// Linux only (/proc); elsewhere nothing is found.
/// </summary>
public static class Orphans
{
    /// <summary>
    /// The processes left by an earlier stack on <paramref name="stateDirectory"/>: never this process, its
    /// ancestors, or another command of this CLI (a <c>status</c> or <c>push</c> naming the same directory).
    /// </summary>
    public static IReadOnlyList<(int Pid, string Command)> Find(string stateDirectory)
    {
        var root = Path.GetFullPath(stateDirectory).TrimEnd('/') + "/";
        var spared = Ancestors();
        var cli = Environment.GetCommandLineArgs()[0];
        var found = new List<(int, string)>();
        foreach (var process in ProcessTable.All().Where(p => !spared.Contains(p.Id)))
        {
            var (pid, command) = (process.Id, process.CommandLine);
            if (command.Contains(cli, StringComparison.Ordinal))
            {
                continue;
            }
            try
            {
                var inRoot = command.Contains(root, StringComparison.Ordinal) || (command + " ").Contains(root.TrimEnd('/') + " ", StringComparison.Ordinal);
                var instance = !inRoot && Environ(pid).Any(e => e.StartsWith("PIPELINE_INSTANCE_ID=", StringComparison.Ordinal))
                    && (Path.GetFullPath(new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget ?? "/") + "/").StartsWith(root, StringComparison.Ordinal);
                if (inRoot || instance)
                {
                    found.Add((pid, command));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or another user's: not ours.
            }
        }
        return found;
    }

    /// <summary>SIGTERM, then SIGKILL after <paramref name="grace"/>, for each; returns once all have exited.</summary>
    public static async Task KillAllAsync(IEnumerable<int> pids, TimeSpan grace, CancellationToken cancellationToken)
    {
        var list = pids.ToList();
        foreach (var pid in list)
        {
            await ProcessStop.SignalAsync(pid, "TERM", cancellationToken);
        }
        var deadline = DateTimeOffset.UtcNow + grace;
        while (list.Any(Alive) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(100, cancellationToken);
        }
        foreach (var pid in list.Where(Alive))
        {
            await ProcessStop.SignalAsync(pid, "KILL", cancellationToken);
        }
        while (list.Any(Alive))
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Kills <paramref name="pid"/> only if its environment holds <paramref name="marker"/> (a pid may have been reused).</summary>
    public static async Task KillAsync(int pid, string marker, CancellationToken cancellationToken)
    {
        if (pid > 0 && Environ(pid).Contains(marker, StringComparer.Ordinal))
        {
            await KillAllAsync([pid], TimeSpan.FromSeconds(5), cancellationToken);
        }
    }

    /// <summary>Waits (at most 10 s) for a port a killed process held to be free again.</summary>
    public static async Task WaitForPortAsync(int port, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 100 && !FreePort.IsFree(port); i++)
        {
            await Task.Delay(100, cancellationToken);
        }
    }

    // A zombie (state Z) has exited; only its parent's wait is missing.
    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string[] Environ(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Split('\0');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static HashSet<int> Ancestors()
    {
        var pids = new HashSet<int> { Environment.ProcessId };
        var pid = Environment.ProcessId;
        while (pid > 1 && ProcessTable.Read(pid) is { } process)
        {
            pid = process.Parent;
            pids.Add(pid);
        }
        return pids;
    }
}
