using Pipeline.Core.Routing;

namespace Pipeline.Core.Tests.Routing;

internal static class RoutingFixtures
{
    public static readonly RouterSettings Settings = new("127.0.0.1", 8080, "/run/pipeline-router/admin.sock");

    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Routing", "Fixtures", name);

    public static RoutingTable Load(string name) =>
        JsonSerializer.Deserialize(File.ReadAllText(FixturePath(name + ".json")), RoutingJsonContext.Default.RoutingTable)
        ?? throw new InvalidOperationException("fixture " + name + " is null");

    /// <summary>The golden file in the source tree, so that UPDATE_GOLDEN=1 rewrites what git tracks.</summary>
    public static string GoldenSourcePath(string name, [System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "Fixtures", name + ".golden.cfg");

    public static RoutingTable Shuffle(RoutingTable table, Random random) => new(
        [.. table.Services
            .Select(s => s with
            {
                Routes = [.. s.Routes.OrderBy(_ => random.Next())],
                Targets = [.. s.Targets.OrderBy(_ => random.Next())],
            })
            .OrderBy(_ => random.Next())]);

    /// <summary>Runs the real <c>haproxy -c -f</c>; returns its exit code and combined output.</summary>
    public static (int ExitCode, string Output) HaproxyCheck(string configText, IReadOnlyDictionary<string, string>? environment = null)
    {
        var file = Path.Combine(Path.GetTempPath(), "pipeline-check-" + Guid.NewGuid().ToString("N") + ".cfg");
        File.WriteAllText(file, configText);
        try
        {
            var start = new ProcessStartInfo("/usr/sbin/haproxy", ["-c", "-f", file])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            {
                start.Environment[name] = value;
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result + stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
