using Pipeline.Local.Aws.CloudFormation;
using Pipeline.Local.Aws.Processes;

namespace Pipeline.Benchmarks;

/// <summary>The repository the benchmarks run in, and the commands they need from it.</summary>
internal sealed record Repository(string Root)
{
    public static Repository Find() => new(RepositoryRoot.Path);

    public FunctionDefinition Function(string logicalId)
    {
        var definition = TemplateFunctions.Load(Path.Combine(Root, "template.yaml"), logicalId);
        return definition.IsPublished
            ? definition
            : throw new InvalidOperationException($"{definition.Handler} is missing: run ./build.sh package");
    }

    public string Project(string handler) => Path.Combine(Root, "functions", "Pipeline.Functions", handler, handler + ".csproj");

    public string Output(params string[] parts) => Path.Combine([Root, ".build", "bench", .. parts]);

    /// <summary>Runs dotnet with arguments; returns the exit code and the first error lines (or the last line) of its output.</summary>
    public static async Task<(int Exit, string Tail)> DotnetAsync(params string[] args)
    {
        var result = await CommandRunner.RunAsync("dotnet", args);
        var lines = (result.StandardOutput + "\n" + result.StandardError)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (result.ExitCode, string.Join(" | ", lines.Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(3)
            .DefaultIfEmpty(lines.LastOrDefault() ?? "")));
    }
}
