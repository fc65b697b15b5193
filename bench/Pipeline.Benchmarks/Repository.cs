using System.Diagnostics;
using System.Text;
using Pipeline.Local.Lambda;
using Pipeline.Local.Template;

namespace Pipeline.Benchmarks;

/// <summary>The repository the benchmarks run in, and the commands they need from it.</summary>
internal sealed record Repository(string Root)
{
    public static Repository Find()
    {
        for (var dir = new DirectoryInfo(Environment.GetEnvironmentVariable("PIPELINE_ROOT") ?? Directory.GetCurrentDirectory());
             dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "template.yaml")) && File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return new Repository(dir.FullName);
            }
        }

        throw new DirectoryNotFoundException("run the benchmarks from the repository (template.yaml, Pipeline.sln)");
    }

    public FunctionDefinition Function(string logicalId)
    {
        var definition = SamFunctionReader.Read(Path.Combine(Root, "template.yaml")).Single(f => f.Name == logicalId);
        return definition.IsPublished
            ? definition
            : throw new InvalidOperationException($"{definition.Handler} is missing: run ./build.sh package");
    }

    public string Project(string handler) => Path.Combine(Root, "functions", "Pipeline.Functions", handler, handler + ".csproj");

    public string Output(params string[] parts) => Path.Combine([Root, ".build", "bench", .. parts]);

    /// <summary>Runs dotnet with arguments; returns the exit code and the last lines of output.</summary>
    public static async Task<(int Exit, string Tail)> DotnetAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync();
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (process.ExitCode, string.Join(" | ", lines.Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(3)
            .DefaultIfEmpty(lines.LastOrDefault() ?? "")));
    }
}
