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
        Assert.Contains("Unresolved resource dependencies [LaunchInstancesFunction] in the Resources block of the template", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_state, "stack.json")));
    }

    /// <summary>
    /// <c>./pipeline demo</c> on template.yaml, left running at the end as a user would, then checked
    /// through the stack's own endpoints: the registry, the tables, HAProxy and the routes in S3.
    /// </summary>
    [Fact]
    public async Task Demo_ShouldDeployBothServicesAndSwitchOrdersUnderLoadWithoutLosingARequest()
    {
        await using var demo = await RunningStack.StartAsync("demo", TimeSpan.FromMinutes(20));
        await demo.WaitForOutputAsync("the stack keeps running", TimeSpan.FromMinutes(30));

        var output = demo.Output;
        var tail = output.Length > 6000 ? output[^6000..] : output;
        Assert.False(output.Contains("[FAIL]", StringComparison.Ordinal) || output.Contains("[n/a ]", StringComparison.Ordinal), tail);
        Assert.Matches(@"\[ ok \] [1-9]\d* requests sent through HAProxy, 0 failed", output);
        Assert.Matches(@"\[ ok \] GET /orders/mine without a token: 401 Bearer ", output);
        Assert.Matches(@"\[ ok \] GET /orders/mine with a token from the stack's issuer http://127\.0\.0\.1:\d+/ .*: 200 ", output);

        using var probe = new StackProbe(demo);
        var orders = await probe.Registry.ListVersionsAsync("orders");
        Assert.Equal(2, orders.Count);
        Assert.Matches(@"^1\.4\.2-[0-9a-f]{7}$", orders[0].Label);
        Assert.Equal((VersionStatus.Live, VersionStatus.Retired), (orders[0].Status, orders[1].Status));
        var catalog = await probe.Registry.GetLiveVersionAsync("catalog");
        Assert.Matches(@"^1\.0\.1-[0-9a-f]{7}$", catalog?.Label);
        foreach (var table in new[] { "pipeline.orders.orders", "pipeline.catalog.items" })
        {
            Assert.Equal("ACTIVE", await probe.TableStatusAsync(table));
        }

        // HAProxy sends each service's path to its live version, and nothing else is running for the old one.
        Assert.Equal(orders[0].Label, await probe.VersionThroughFrontAsync("/orders/version"));
        Assert.Equal(catalog!.Label, await probe.VersionThroughFrontAsync("/items/version"));
        var fleet = await probe.InstancesAsync("orders");
        Assert.All(fleet.Where(i => (string?)i["version"] == orders[1].Label), i => Assert.Equal("terminated", (string?)i["state"]));
        Assert.Equal(2, fleet.Count(i => (string?)i["version"] == orders[0].Label && (string?)i["state"] == "running"));

        // The config the routers run is the one in S3, and haproxy itself accepts it.
        var (routesVersion, text) = await probe.PublishedRoutesAsync();
        var config = Path.Combine(_state + "-check", "haproxy.cfg");
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        await File.WriteAllTextAsync(config, text);
        var (exit, check) = await RunAsync("haproxy", "-c", "-f", config);
        Assert.True(exit == 0, check);
        Assert.Contains($"live version {orders[0].Label}", text, StringComparison.Ordinal);
        Assert.Equal(routesVersion, await probe.AppliedRoutesVersionAsync());
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    public void Dispose()
    {
        foreach (var directory in new[] { _state, _state + "-check" })
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
