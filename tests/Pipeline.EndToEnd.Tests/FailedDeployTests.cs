using Pipeline.Core.Manifest;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// The deploy machine's failure paths on <c>./pipeline up</c> with template.yaml, checked from the
/// outside: git pushes to the stack's git host, <c>./pipeline rollback</c>, then the Step Functions
/// API, the registry, the fleet, HAProxy and the routes in S3, with a small load through HAProxy
/// while the versions change.
/// </summary>
public sealed partial class FailedDeployTests(ITestOutputHelper output)
{
    private const string Service = "orders";

    /// <summary>How many instances each version of the example runs (its service.yaml's instances.count).</summary>
    private static readonly int InstanceCount = ManifestParser.Parse(
        File.ReadAllText(RepositoryRoot.Combine("examples/services/orders/service.yaml"))).Instances.Count;

    [Fact]
    public async Task Push_WhenTheNewVersionNeverBecomesHealthy_ShouldRollBackToTheLiveVersionWithoutLosingARequest()
    {
        await using var stack = await RunningStack.StartAsync(output);
        using var probe = new StackProbe(stack);
        var (first, checkout) = await DeployFirstVersionAsync(stack, probe);

        // The server still answers /status and its tests still pass; only the health check the
        // version declares goes to a path it does not serve. The short grace period and interval
        // make the deploy give up after 10 + 2 x 5 x 2 = 30 s instead of 240 s with the defaults.
        var clock = Stopwatch.StartNew();
        await using var load = new FrontLoad(probe.Front("/orders/version"));
        var before = await probe.ExecutionArnsAsync();
        var commit = await checkout.CommitAndPushAsync("service.yaml", yaml => ReplaceHealth(yaml, """
            health:
              path: /ready
              intervalSeconds: 5
              timeoutSeconds: 2
              healthyThreshold: 2
              unhealthyThreshold: 2
              graceSeconds: 10

            """), "orders: health checks on /ready, which the server does not serve");
        var execution = await probe.NewExecutionAsync(before, Limits.RunStart);
        var end = await probe.EndOfAsync(execution, Limits.Run);
        var ran = clock.Elapsed;
        var states = await probe.StatesEnteredAsync(execution);

        // The rollback republished the routes: the load keeps going until the router applied them.
        await probe.WaitForRouterAsync(TimeSpan.FromMinutes(2));
        var traffic = await load.StopAsync();
        output.WriteLine($"failing run: {ran.TotalSeconds:0.0} s from push to {end["status"]}; load: {traffic}");
        output.WriteLine($"states: {string.Join(" > ", states.Distinct())}");

        var trail = $"{end.ToJsonString()}\nstates: {string.Join(" > ", states)}";
        Assert.True((string?)end["status"] == "FAILED", trail);
        Assert.Equal("Pipeline.TargetsUnhealthy", (string?)end["error"]);
        Assert.DoesNotContain("PublishRoutes", states);
        // The rollback detaches the new group from the health-check listener (one Map iteration per
        // rule, in any order) before it deletes the group, as ELB requires.
        var rollback = states.SkipWhile(s => s != "TargetsNeverHealthy").ToList();
        Assert.Equal(["TargetsNeverHealthy", "Rollback", "FindNewGroupRules"], rollback.Take(3));
        Assert.Equal(["DeleteNewTargetGroup", "RollbackVersion", "ReleaseLockAfterRollback", "DeployFailed"], rollback.TakeLast(4));
        Assert.Contains("DeleteNewGroupRule", rollback);
        Assert.True(rollback.IndexOf("DeleteNewGroupRule") < rollback.IndexOf("DeleteNewTargetGroup"), trail);

        var versions = await probe.Registry.ListVersionsAsync(Service);
        var failed = Assert.Single(versions, v => v.Commit == commit);
        Assert.Contains(failed.Label, (string?)end["cause"], StringComparison.Ordinal);
        Assert.Equal(VersionStatus.Failed, failed.Status);
        Assert.Equal(first, (await probe.Registry.GetServiceAsync(Service))?.LiveLabel);
        Assert.Equal(VersionStatus.Live, Assert.Single(versions, v => v.Label == first).Status);

        await AssertOnlyRunsAndRoutesAsync(probe, first, terminated: failed.Label);

        Assert.True(traffic.Sent >= 100 && traffic.Failed == 0, traffic.ToString());
        Assert.Equal(new[] { first }, traffic.AnsweredBy.Keys);
    }

    [Fact]
    public async Task Rollback_WhenANewerVersionIsLive_ShouldRedeployTheOlderOneWithoutANewLabel()
    {
        await using var stack = await RunningStack.StartAsync(output);
        using var probe = new StackProbe(stack);
        var (first, checkout) = await DeployFirstVersionAsync(stack, probe);

        var deployed = await probe.RedeployOrdersAsync(checkout, "second edition");
        Assert.True((string?)deployed["status"] == "SUCCEEDED", deployed.ToJsonString());
        var second = (await probe.Registry.GetServiceAsync(Service))!.LiveLabel!;
        Assert.NotEqual(first, second);
        var recorded = await probe.Registry.ListVersionsAsync(Service);

        var clock = Stopwatch.StartNew();
        await using var load = new FrontLoad(probe.Front("/orders/version"));
        var (exit, printed) = await PipelineCli.RunAsync(Limits.Run, "rollback", Service, first, "--state-dir", stack.StateDirectory);
        var ran = clock.Elapsed;
        await probe.WaitForRouterAsync(TimeSpan.FromMinutes(2));
        var traffic = await load.StopAsync();
        output.WriteLine($"./pipeline rollback {Service} {first}: exit {exit} after {ran.TotalSeconds:0.0} s; load: {traffic}");

        Assert.True(exit == 0, printed);
        var execution = printed.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("arn:aws:states:", StringComparison.Ordinal));
        var end = await probe.StepFunctionsAsync("DescribeExecution", new JsonObject { ["executionArn"] = execution });
        Assert.Equal("SUCCEEDED", (string?)end["status"]);
        var states = await probe.StatesEnteredAsync(execution);
        Assert.Contains("TargetRequestedVersion", states);
        Assert.DoesNotContain("BuildAndTest", states);
        Assert.DoesNotContain("RecordVersion", states);

        var service = (await probe.Registry.GetServiceAsync(Service))!;
        Assert.Equal(first, service.LiveLabel);
        Assert.Equal(second, service.LatestLabel);
        var versions = await probe.Registry.ListVersionsAsync(Service);
        Assert.Equal(recorded.Select(v => v.Label), versions.Select(v => v.Label));
        Assert.Equal(VersionStatus.Live, Assert.Single(versions, v => v.Label == first).Status);
        Assert.Equal(VersionStatus.Retired, Assert.Single(versions, v => v.Label == second).Status);

        await AssertOnlyRunsAndRoutesAsync(probe, first, terminated: second);

        Assert.True(traffic.Sent >= 100 && traffic.Failed == 0, traffic.ToString());
        Assert.Subset(new HashSet<string> { first, second }, traffic.AnsweredBy.Keys.ToHashSet());
    }

    [Fact]
    public async Task Push_WhenTheServiceReadsASecret_ShouldFailUntilItIsStoredAndThenGiveItToTheInstancesOnly()
    {
        await using var stack = await RunningStack.StartAsync(output);
        using var probe = new StackProbe(stack);
        var (first, checkout) = await DeployFirstVersionAsync(stack, probe);
        const string secret = "s3cret with spaces, $(id) and \"quotes\"";

        // Not stored yet: the version cannot start, the live one keeps serving.
        var (missing, failed) = await probe.PushAndRunAsync(checkout, "service.yaml",
            yaml => AddToEnv(yaml, "  DB_PASSWORD: { ssm: db-password }\n"), "orders: reads its database password at start");
        Assert.True((string?)failed["status"] == "FAILED", failed.ToJsonString());
        Assert.Contains("env.DB_PASSWORD reads parameter /", (string?)failed["cause"], StringComparison.Ordinal);
        Assert.Equal(first, (await probe.Registry.GetServiceAsync(Service))?.LiveLabel);

        var (stored, printed) = await PipelineCli.RunWithInputAsync(
            TimeSpan.FromMinutes(1), secret + "\n", "secret", "put", Service, "db-password", "--state-dir", stack.StateDirectory);
        Assert.True(stored == 0, printed);
        Assert.DoesNotContain(secret, printed, StringComparison.Ordinal);
        var (_, listed) = await PipelineCli.RunAsync(TimeSpan.FromMinutes(1), "secret", "list", Service, "--state-dir", stack.StateDirectory);
        Assert.Contains("db-password", listed, StringComparison.Ordinal);

        var deployed = await probe.RedeployOrdersAsync(checkout, "with its password");
        Assert.True((string?)deployed["status"] == "SUCCEEDED", deployed.ToJsonString());
        var live = (await probe.Registry.GetServiceAsync(Service))!.LiveLabel!;
        Assert.NotEqual(first, live);

        // The value is in each instance's process environment, and nowhere the pipeline keeps things.
        var running = (await probe.InstancesAsync(Service)).Where(i => (string?)i["version"] == live && (string?)i["state"] == "running").ToList();
        Assert.Equal(InstanceCount, running.Count);
        foreach (var instance in running)
        {
            var environment = (await File.ReadAllTextAsync($"/proc/{(int)instance["processId"]!}/environ")).Split('\0');
            Assert.Contains($"DB_PASSWORD={secret}", environment);
        }

        var version = Assert.Single(await probe.Registry.ListVersionsAsync(Service), v => v.Label == live);
        Assert.Contains("ssm: db-password", version.ManifestYaml, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, version.ManifestYaml, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, deployed.ToJsonString(), StringComparison.Ordinal);
        foreach (var step in await probe.HistoryAsync((string)deployed["executionArn"]!))
        {
            Assert.DoesNotContain("s3cret", step.ToJsonString(), StringComparison.Ordinal);
        }

        Assert.Equal(VersionStatus.Failed, Assert.Single(await probe.Registry.ListVersionsAsync(Service), v => v.Commit == missing).Status);
    }

    /// <summary>
    /// <c>./pipeline push orders</c> as a user runs it, and the run it starts, to the end; returns the live label
    /// and a checkout to push the next commits from.
    /// </summary>
    private async Task<(string Live, ServiceCheckout Checkout)> DeployFirstVersionAsync(RunningStack stack, StackProbe probe)
    {
        var clock = Stopwatch.StartNew();
        var (_, live) = await probe.PushToLiveAsync(Service, []);
        output.WriteLine($"first deploy of {Service}: {live} live {clock.Elapsed.TotalSeconds:0.0} s after the push");
        return (live, await ServiceCheckout.CloneAsync(stack, Service, Path.Combine(stack.StateDirectory, "e2e-checkout")));
    }

    /// <summary>
    /// Only <paramref name="live"/> runs and is routed: its instances run, those of <paramref name="terminated"/>
    /// were all terminated, HAProxy answers with it and the published routes do not name the other.
    /// </summary>
    private static async Task AssertOnlyRunsAndRoutesAsync(StackProbe probe, string live, string terminated)
    {
        var instances = await probe.InstancesAsync(Service);
        var stopped = instances.Where(i => (string?)i["version"] == terminated).ToList();
        Assert.Equal(InstanceCount, stopped.Count);
        Assert.All(stopped, i => Assert.Equal("terminated", (string?)i["state"]));
        Assert.Equal(InstanceCount, instances.Count(i => (string?)i["version"] == live && (string?)i["state"] == "running"));

        Assert.Equal(live, await probe.VersionThroughFrontAsync("/orders/version"));
        var (_, config) = await probe.PublishedRoutesAsync();
        Assert.Contains($"live version {live}", config, StringComparison.Ordinal);
        Assert.DoesNotContain(terminated, config, StringComparison.Ordinal);
    }

    private static string AddToEnv(string yaml, string line)
    {
        Assert.Contains("\nenv:\n", yaml, StringComparison.Ordinal);
        return yaml.Replace("\nenv:\n", "\nenv:\n" + line, StringComparison.Ordinal);
    }

    private static string ReplaceHealth(string yaml, string health)
    {
        Assert.Matches(HealthBlock(), yaml);
        return HealthBlock().Replace(yaml, health.ReplaceLineEndings("\n"), 1);
    }

    /// <summary>service.yaml's <c>health:</c> mapping in block style: the key line and its indented lines.</summary>
    [GeneratedRegex(@"(?m)^health:\n(?:[ ]+.*\n)+")]
    private static partial Regex HealthBlock();
}
