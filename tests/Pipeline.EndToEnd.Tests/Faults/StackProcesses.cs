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

    /// <summary>Whether <paramref name="process"/> is a process of the published function <paramref name="function"/> (e.g. PublishRoutes).</summary>
    public static bool IsFunction(ProcessEntry process, string function) =>
        process.CommandLine.Contains($"/functions/{function}/", StringComparison.Ordinal);

    /// <summary>
    /// SIGSTOPs every process of <paramref name="function"/> under <paramref name="root"/> that is not in
    /// <paramref name="frozen"/> yet, and adds it there. A frozen process keeps the invocation the Lambda
    /// service hands it (its long poll already asked for one) without ever answering; the pool starts no
    /// other process while it lives, since it keeps one per function.
    /// </summary>
    public static async Task FreezeFunctionAsync(int root, string function, ISet<int> frozen)
    {
        foreach (var process in Under(root).Where(p => IsFunction(p, function)))
        {
            if (frozen.Add(process.Id))
            {
                await SignalAsync(process.Id, "STOP");
            }
        }
    }

    /// <summary>Sends one signal (KILL, STOP, CONT) to one process.</summary>
    public static async Task SignalAsync(int pid, string signal)
    {
        var result = await ProcessStop.SignalAsync(pid, signal);
        Assert.True(result.ExitCode == 0, $"kill -{signal} {pid} failed: {result.StandardError.Trim()}");
    }
}
