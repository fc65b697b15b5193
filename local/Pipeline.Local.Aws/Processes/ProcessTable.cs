namespace Pipeline.Local.Aws.Processes;

/// <summary>One process of this machine: its id, its parent's and its command line (arguments joined by spaces).</summary>
public sealed record ProcessEntry(int Id, int Parent, string CommandLine);

/// <summary>
/// The machine's processes as /proc shows them, for finding what a stack started (or left behind).
/// Linux only; elsewhere the table is empty.
/// </summary>
public static class ProcessTable
{
    /// <summary>Every process readable now; one that ends while it is read is left out.</summary>
    public static IReadOnlyList<ProcessEntry> All()
    {
        var all = new List<ProcessEntry>();
        if (!Directory.Exists("/proc"))
        {
            return all;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && Read(pid) is { } entry)
            {
                all.Add(entry);
            }
        }

        return all;
    }

    /// <summary>The process <paramref name="pid"/>, or null once it has ended (or is another user's).</summary>
    public static ProcessEntry? Read(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
            return new ProcessEntry(pid, parent, commandLine);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
