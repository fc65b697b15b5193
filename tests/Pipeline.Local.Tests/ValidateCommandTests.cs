using System.Diagnostics;
using Pipeline.Testing;

namespace Pipeline.Local.Tests;

/// <summary>Runs the real CLI (pipeline.dll, built beside the tests) as a process.</summary>
public sealed class ValidateCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pipeline-validate-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<(int ExitCode, string Output, string Error)> PipelineAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "pipeline.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task Validate_WhenExampleServiceFolder_ShouldPrintOkAndExitZero()
    {
        var (exit, output, _) = await PipelineAsync("validate", RepositoryRoot.Combine("examples/services/orders"));

        Assert.Equal(0, exit);
        Assert.Equal("ok", output.Trim());
    }

    [Fact]
    public async Task Validate_WhenFileHasProblems_ShouldPrintEachWithPositionAndExitOne()
    {
        var file = Path.Combine(_folder, "service.yaml");
        await File.WriteAllTextAsync(file, "name: orders\nport: high\nbuild: { artifact: dist }\ntables:\n  - name: t\n    partitionKey: { name: id, type: Q }\n    capacity: onDemand\nlabels: x\n");

        var (exit, output, _) = await PipelineAsync("validate", file);

        Assert.Equal(1, exit);
        Assert.Equal(
            [
                $"{file}:2:7: port: must be an integer, not the string 'high'",
                $"{file}:6:37: tables[0].partitionKey.type: must be one of S, N, B, not 'Q'",
                $"{file}:8:1: labels: unknown field; service.yaml accepts build, env, health, instances, label, name, port, routes, start, tables, versionPath",
            ],
            output.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Validate_WhenFolderHasNoManifest_ShouldSayWhereAndExitOne()
    {
        var (exit, _, error) = await PipelineAsync("validate", _folder);

        Assert.Equal(1, exit);
        Assert.Equal($"{_folder}: no service.yaml in this folder", error.Trim());
    }
}
