using Pipeline.Local.Stack.Processes;
using Pipeline.Local.Stack.Templates;

namespace Pipeline.Local.Supervisor;

/// <summary>
/// Makes sure what the stack runs is built from the current sources: the published functions
/// (through <c>./build.sh package</c>, which publishes into each CodeUri) and the router agent.
/// </summary>
internal static class Builds
{
    private static readonly string[] FunctionSources = ["functions/Pipeline.Core", "functions/Pipeline.Aws", "functions/Pipeline.Lambda"];

    public static async Task EnsureFunctionsPublishedAsync(
        string root, SamTemplate template, TextWriter log, CancellationToken cancellationToken)
    {
        var stale = template.Functions
            .Where(f => IsStale(
                Path.Combine(Path.GetFullPath(f.CodeUri ?? ".", template.BaseDirectory), f.Handler + ".dll"),
                root, [.. FunctionSources, $"functions/Pipeline.Functions/{f.Handler}"]))
            .Select(f => f.Handler)
            .ToList();
        if (stale.Count == 0)
        {
            return;
        }

        log.WriteLine($"publishing the functions ({string.Join(", ", stale)} missing or older than their sources): ./build.sh package");
        var result = await CommandRunner.RunAsync(Path.Combine(root, "build.sh"), ["package"], root, cancellationToken: cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new StackFailureException($"./build.sh package failed ({result.ExitCode}):\n{Tail(result.StandardOutput + result.StandardError)}");
        }
    }

    public static async Task<string> EnsureRouterAgentAsync(string root, TextWriter log, CancellationToken cancellationToken)
    {
        var output = Path.Combine(root, ".build", "router-agent");
        var dll = Path.Combine(output, "pipeline-router-agent.dll");
        if (!IsStale(dll, root, [.. FunctionSources, "agents/Pipeline.RouterAgent"]))
        {
            return dll;
        }

        log.WriteLine("building the router agent");
        var result = await CommandRunner.RunAsync("dotnet",
            ["build", Path.Combine(root, "agents/Pipeline.RouterAgent/Pipeline.RouterAgent.csproj"), "-c", "Release",
             "--verbosity", "quiet", "-nologo", "-clp:ErrorsOnly", "-o", output], root, cancellationToken: cancellationToken);
        return result.ExitCode == 0 ? dll
            : throw new StackFailureException($"building the router agent failed:\n{Tail(result.StandardOutput + result.StandardError)}");
    }

    internal static bool IsStale(string output, string root, IEnumerable<string> sourceDirectories)
    {
        if (!File.Exists(output))
        {
            return true;
        }

        var built = File.GetLastWriteTimeUtc(output);
        return sourceDirectories
            .Select(d => Path.Combine(root, d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal))
                        && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Any(f => File.GetLastWriteTimeUtc(f) > built);
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(30));
}
