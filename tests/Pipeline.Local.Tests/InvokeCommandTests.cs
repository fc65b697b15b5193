namespace Pipeline.Local.Tests;

/// <summary>`pipeline invoke` run as the real CLI process against the real published function.</summary>
public sealed class InvokeCommandTests
{
    private static readonly string Events = Path.Combine(FunctionBinaries.RepositoryRoot, "tests", "Pipeline.Core.Tests", "Triggers", "Events");

    private static async Task<CommandResult> PipelineAsync(params string[] args)
    {
        await FunctionBinaries.PublishedAsync("NormalizeTriggerFunction");
        return await CliProcess.RunAsync(args, FunctionBinaries.RepositoryRoot,
            new Dictionary<string, string?> { ["PIPELINE_ROOT"] = FunctionBinaries.RepositoryRoot });
    }

    [Fact]
    public async Task Invoke_WhenFunctionAnswers_ShouldPrintResponseAndExitZero()
    {
        var (exit, stdout, stderr) = await PipelineAsync("invoke", "NormalizeTrigger", "--event", Path.Combine(Events, "codecommit-branch-updated.json"));

        Assert.True(exit == 0, stderr);
        var response = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("build", response.GetProperty("action").GetString());
        Assert.Equal("3d2ff4ce25e64c1a0b9a1d5e4c8f2c9e0b7a6d51", response.GetProperty("commit").GetString());
    }

    [Fact]
    public async Task Invoke_WhenFunctionFails_ShouldPrintErrorObjectAndExitOne()
    {
        var (exit, stdout, _) = await PipelineAsync("invoke", "NormalizeTriggerFunction", "--event", Path.Combine(Events, "manual-no-service.json"));

        Assert.Equal(1, exit);
        var error = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("Pipeline.InvalidInput", error.GetProperty("errorType").GetString());
        Assert.Equal("service is required", error.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task Invoke_WhenFunctionIsNotPublished_ShouldNameTheBuildCommand()
    {
        var template = Path.Combine(Path.GetTempPath(), $"unpublished-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(template, """
            Resources:
              LonelyFunction:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: Lonely
                  CodeUri: nowhere/Lonely
                  Runtime: dotnet10
            """);

        var (exit, stdout, stderr) = await PipelineAsync("invoke", "LonelyFunction", "--template", template);

        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Contains("./build.sh package", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_WhenEventFileIsNotJson_ShouldSayWhichFile()
    {
        var file = Path.Combine(Path.GetTempPath(), $"event-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, "{ not json");

        var (exit, _, stderr) = await PipelineAsync("invoke", "NormalizeTrigger", "--event", file);

        Assert.Equal(2, exit);
        Assert.Contains(file, stderr, StringComparison.Ordinal);
    }
}
