namespace Pipeline.EndToEnd.Tests.Faults;

/// <summary>
/// The processes a running stack started (its process tree, read from /proc), so that a fault hits
/// this stack's dynalite, router agent or function and never another stack's on the same machine.
/// Signals go to one process id at a time.
/// </summary>
internal static class StackProcesses
{
    /// <summary>Every descendant of <paramref name="root"/>, parents before children.</summary>
    public static IReadOnlyList<ProcessEntry> Under(int root)
    {
        var all = ProcessTable.All();
        var found = new List<ProcessEntry>();
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
    public static ProcessEntry Single(int root, string what, Func<ProcessEntry, bool> match)
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
        var result = await ProcessStop.SignalAsync(pid, signal);
        Assert.True(result.ExitCode == 0, $"kill -{signal} {pid} failed: {result.StandardError.Trim()}");
    }
}
