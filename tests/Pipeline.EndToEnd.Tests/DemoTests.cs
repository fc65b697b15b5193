using Pipeline.Testing;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// The local stack as a user starts it, checked from the outside.
/// </summary>
public sealed class DemoTests : IDisposable
{
    private readonly string _state = Path.Combine(Path.GetTempPath(), "pipeline-e2e-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task Up_WhenTheTemplateReferencesAnUndeclaredFunction_ShouldRefuseNamingIt()
    {
        var (exit, output) = await PipelineCli.RunAsync(TimeSpan.FromMinutes(10), "up", "--state-dir", _state, "--port", "0",
            "--template", RepositoryRoot.Combine("tests/Pipeline.EndToEnd.Tests/Fixtures/template.dangling-reference.yaml"));

        Assert.Equal(1, exit);
        Assert.Contains("cannot run locally", output, StringComparison.Ordinal);
        Assert.Contains("'LaunchInstancesFunction', which the template does not declare", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_state, "stack.json")));
    }

    public void Dispose()
    {
        if (Directory.Exists(_state))
        {
            Directory.Delete(_state, recursive: true);
        }
    }
}
