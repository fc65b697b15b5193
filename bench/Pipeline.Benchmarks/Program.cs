using System.Text.RegularExpressions;

namespace Pipeline.Benchmarks;

/// <summary>
/// Macro benchmarks that start real processes, so they are timed directly rather than through a
/// micro-benchmark framework: `./build.sh bench [NAME]` runs those whose name matches.
/// </summary>
internal static class Program
{
    private static readonly Dictionary<string, Func<Repository, Task>> Benchmarks = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ColdStart"] = ColdStart.RunAsync,
        ["WarmInvoke"] = WarmInvoke.RunAsync,
        ["RenderConfig"] = RenderConfig.RunAsync,
    };

    public static async Task<int> Main(string[] args)
    {
        var filter = args.SkipWhile(a => a != "--filter").Skip(1).FirstOrDefault() ?? "*";
        var pattern = new Regex("^" + Regex.Escape(filter).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.IgnoreCase);
        var selected = Benchmarks.Where(b => pattern.IsMatch(b.Key)).ToList();
        if (selected.Count == 0)
        {
            await Console.Error.WriteLineAsync($"no benchmark matches '{filter}'; benchmarks: {string.Join(", ", Benchmarks.Keys)}");
            return 2;
        }

        var repository = Repository.Find();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Trim()}");
        foreach (var (name, run) in selected)
        {
            Console.WriteLine($"\n## {name}\n");
            await run(repository);
        }

        return 0;
    }
}
