using Pipeline.Testing;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// The demo as a user runs it, checked from the outside. The full template's deploy state machine
/// names functions that do not exist yet (LaunchInstances, PublishRoutes, RetireVersion, Rollback),
/// so the demo runs on the same template with the definition cut after ProvisionTables: push, build
/// and test with each service's buildspec, tag, provision tables. Its deploy claims are then
/// reported as not checked, which makes it exit 3, never 0.
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

    [Fact]
    public async Task DemoOnce_WhenTheStateMachineEndsAfterProvisionTables_ShouldBuildTagAndProvisionEveryService()
    {
        var (exit, output) = await PipelineCli.RunAsync(TimeSpan.FromMinutes(30),
            "demo", "--once", "--port", "0", "--state-dir", _state,
            "--template", RepositoryRoot.Combine("tests/Pipeline.EndToEnd.Tests/Fixtures/template.build-tag-provision.yaml"));

        Assert.DoesNotContain("[FAIL]", output, StringComparison.Ordinal);
        Assert.Equal(3, exit);
        foreach (var (service, table) in new[] { ("orders", "pipeline-orders-orders"), ("catalog", "pipeline-catalog-items") })
        {
            Assert.Contains($"[ ok ] the pipeline run for {service} succeeded (SUCCEEDED)", output, StringComparison.Ordinal);
            Assert.Contains($"[ ok ] table {table} exists in dynalite (ACTIVE)", output, StringComparison.Ordinal);
            Assert.Matches($@"\[ ok \] {service} has a version label in the registry: \d+\.\d+\.1-[0-9a-f]{{7}}", output);
        }

        Assert.Contains("<- BuildAndTest", output, StringComparison.Ordinal);
        Assert.Contains("[n/a ] traffic through HAProxy", output, StringComparison.Ordinal);
        // The stack stopped with --once: nothing is left listening under this state directory.
        Assert.False(File.Exists(Path.Combine(_state, "stack.json")));
        var buildLogs = Directory.EnumerateFiles(Path.Combine(_state, "builds"), "*.log", SearchOption.AllDirectories).ToList();
        Assert.Contains(buildLogs, log => File.ReadAllText(log).Contains("# pass 6", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        if (Directory.Exists(_state))
        {
            Directory.Delete(_state, recursive: true);
        }
    }
}
