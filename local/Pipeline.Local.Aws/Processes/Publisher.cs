using Pipeline.Local.Aws.CloudFormation;

namespace Pipeline.Local.Aws.Processes;

/// <summary>
/// Makes sure what the stack, the tests and the benchmarks run is built from the current sources:
/// the published functions (with the Makefile's <c>build-&lt;LogicalId&gt;</c> targets, as
/// <c>sam build</c> and <c>./build.sh package</c> run them) and the router agent. Not to be confused
/// with CodeBuild (<see cref="CodeBuild.LocalBuildRunner"/>), which builds the services.
/// </summary>
public static class Publisher
{
    private static readonly string[] FunctionSources = ["functions/Pipeline.Core", "functions/Pipeline.Aws", "functions/Pipeline.Lambda"];

    public static async Task EnsureFunctionsPublishedAsync(
        string root, SamTemplate template, TextWriter log, CancellationToken cancellationToken)
    {
        var stale = template.Functions
            .Where(f => IsStale(
                PublishedFunctions.EntryPoint(template.BaseDirectory, f),
                root, [.. FunctionSources, $"functions/Pipeline.Functions/{f.Handler}"]))
            .Select(f => f.Handler)
            .ToList();
        if (stale.Count == 0)
        {
            return;
        }

        // Only the stale functions, each as ./build.sh package publishes it: much faster than
        // building the whole solution first when one function changed.
        foreach (var function in template.Functions.Where(f => stale.Contains(f.Handler)))
        {
            log.WriteLine($"publishing {function.Handler} (missing or older than its sources)");
            var started = DateTime.UtcNow;
            await PublishAsync(root, function.LogicalId, function.Handler, PublishedFunctions.Directory(template.BaseDirectory, function), cancellationToken);
            MarkBuilt(PublishedFunctions.EntryPoint(template.BaseDirectory, function), started);
        }
    }

    /// <summary>Publishes one function into <paramref name="output"/> with its Makefile target, as <c>sam build</c> would.</summary>
    public static async Task PublishAsync(string root, string logicalId, string handler, string output, CancellationToken cancellationToken)
    {
        var project = Path.Combine(root, "functions", "Pipeline.Functions", handler, handler + ".csproj");
        if (!File.Exists(project))
        {
            throw new StackFailureException($"template.yaml names handler {handler} but {project} does not exist");
        }

        var result = await CommandRunner.RunAsync("make",
            ["--no-print-directory", $"build-{logicalId}", $"ARTIFACTS_DIR={output}"],
            root, cancellationToken: cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new StackFailureException($"publishing {handler} failed:\n{Tail(result.StandardOutput + result.StandardError)}");
        }
    }

    public static Task<string> EnsureRouterAgentAsync(string root, TextWriter log, CancellationToken cancellationToken) =>
        EnsureAgentAsync(root, "router agent", "router-agent", "Pipeline.RouterAgent", "pipeline-router-agent.dll", log, cancellationToken);

    /// <summary>The composer that runs beside haproxy, built like the router agent.</summary>
    public static Task<string> EnsureComposerAsync(string root, TextWriter log, CancellationToken cancellationToken) =>
        EnsureAgentAsync(root, "composer", "composer", "Pipeline.Composer", "pipeline-composer.dll", log, cancellationToken);

    /// <summary>Builds agents/<paramref name="project"/> into .build/<paramref name="folder"/> unless it is newer than its sources.</summary>
    private static async Task<string> EnsureAgentAsync(
        string root, string description, string folder, string project, string dllName, TextWriter log, CancellationToken cancellationToken)
    {
        var output = Path.Combine(root, ".build", folder);
        var dll = Path.Combine(output, dllName);
        if (!IsStale(dll, root, [.. FunctionSources, $"agents/{project}"]))
        {
            return dll;
        }

        log.WriteLine($"building the {description}");
        var started = DateTime.UtcNow;
        var result = await CommandRunner.RunAsync("dotnet",
            ["build", Path.Combine(root, $"agents/{project}/{project}.csproj"), "-c", "Release",
             "--verbosity", "quiet", "-nologo", "-clp:ErrorsOnly", "-o", output], root, cancellationToken: cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new StackFailureException($"building the {description} failed:\n{Tail(result.StandardOutput + result.StandardError)}");
        }

        MarkBuilt(dll, started);
        return dll;
    }

    /// <summary>
    /// Records that <paramref name="output"/> is built from the sources as they were at <paramref name="started"/>.
    /// MSBuild does not rewrite an output it need not recompile: a change in Pipeline.Core that keeps
    /// its public surface recompiles Core but leaves each handler's and the agent's own dll with its
    /// old time, which <see cref="IsStale"/> would otherwise read as stale on every start. The
    /// build's start, not its end, so a source saved during the build is still newer.
    /// </summary>
    public static void MarkBuilt(string output, DateTime started)
    {
        if (File.Exists(output) && File.GetLastWriteTimeUtc(output) < started)
        {
            File.SetLastWriteTimeUtc(output, started);
        }
    }

    public static bool IsStale(string output, string root, IEnumerable<string> sourceDirectories)
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
