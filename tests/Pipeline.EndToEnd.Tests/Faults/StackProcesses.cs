namespace Pipeline.EndToEnd.Tests.Faults;

/// <summary>One process under the stack: its id, parent and command line.</summary>
internal sealed record StackProcess(int Id, int Parent, string CommandLine);

/// <summary>
/// The processes a running stack started (its process tree, read from /proc), so that a fault hits
/// this stack's dynalite, router agent or function and never another stack's on the same machine.
/// Signals go to one process id at a time.
/// </summary>
internal static class StackProcesses
{
    /// <summary>Every descendant of <paramref name="root"/>, parents before children.</summary>
    public static IReadOnlyList<StackProcess> Under(int root)
    {
        var all = new List<StackProcess>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim();
                all.Add(new StackProcess(pid, int.Parse(fields[1], CultureInfo.InvariantCulture), commandLine));
            }
            catch (IOException)
            {
                // The process ended while we read it.
            }
        }

        var found = new List<StackProcess>();
        var parents = new Queue<int>([root]);
        while (parents.TryDequeue(out var parent))
        {
            foreach (var child in all.Where(p => p.Parent == parent))
            {
                found.Add(child);
                parents.Enqueue(child.Id);
            }
        }

        return found;
    }

    /// <summary>The one process under <paramref name="root"/> whose command line matches; fails naming what is there otherwise.</summary>
    public static StackProcess Single(int root, string what, Func<StackProcess, bool> match)
    {
        var under = Under(root);
        var matching = under.Where(match).ToList();
        Assert.True(matching.Count == 1,
            $"expected one {what} under pid {root}, found {matching.Count}:\n{string.Join('\n', under.Select(p => $"{p.Id} <- {p.Parent}: {p.CommandLine}"))}");
        return matching[0];
    }

    /// <summary>Sends one signal (KILL, STOP, CONT) to one process.</summary>
    public static async Task SignalAsync(int pid, string signal)
    {
        using var kill = System.Diagnostics.Process.Start("/bin/kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
        Assert.True(kill.ExitCode == 0, $"kill -{signal} {pid} failed");
    }
}
