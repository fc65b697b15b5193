namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// <c>./pipeline up --routers 2</c>: two routers behind the front balancer (the local NLB), one of
/// them replaced gracefully under load through the front port, then a deploy with no clean-up of
/// the replaced router's last report, which RoutesConverged must no longer count.
/// </summary>
public sealed class RouterReplacementTests(ITestOutputHelper output)
{
    private const string Service = "orders";

    [Fact]
    public async Task RouterReplace_WhenTwoRoutersServeUnderLoad_ShouldDropNoRequestAndTheNextDeployShouldNotWaitForTheOldRouter()
    {
        await using var stack = await RunningStack.StartAsync(output, "--routers", "2");
        using var probe = new StackProbe(stack);
        var clock = Stopwatch.StartNew();
        var routers = await RoutersAsync(stack);
        Assert.Equal(["local-1", "local-2"], routers.Select(r => (string?)r["node"]));
        Assert.All(routers, r => Assert.Equal("healthy", (string?)r["front"]));
        Assert.NotEqual((int)routers[0]["port"]!, (int)routers[1]["port"]!);

        var before = await probe.ExecutionArnsAsync();
        var (pushed, printed) = await PipelineCli.RunAsync(TimeSpan.FromMinutes(5), "push", Service, "--state-dir", stack.StateDirectory);
        Assert.True(pushed == 0, printed);
        var deployed = await probe.EndOfNewRunAsync(before);
        Assert.True((string?)deployed["status"] == "SUCCEEDED", deployed.ToJsonString());
        var first = (await probe.Registry.GetServiceAsync(Service))!.LiveLabel!;
        var (published, config) = await probe.PublishedRoutesAsync();
        Assert.Contains("bind \"${PIPELINE_ROUTER_BIND-127.0.0.1}:${PIPELINE_ROUTER_PORT-", config, StringComparison.Ordinal);
        await probe.PollAsync(() => RoutersAsync(stack), now => now.All(r => (long?)r["appliedVersion"] >= published),
            TimeSpan.FromMinutes(1), $"both routers to apply routes version {published}");

        // Replace a router while requests flow through the front port.
        await using var load = new FrontLoad(probe.Front("/orders/version"));
        await Task.Delay(TimeSpan.FromSeconds(3));
        clock.Restart();
        var (replaced, said) = await PipelineCli.RunAsync(TimeSpan.FromMinutes(5), "router", "replace", "--node", "local-1", "--state-dir", stack.StateDirectory);
        output.WriteLine($"./pipeline router replace: exit {replaced} after {clock.Elapsed.TotalSeconds:0.0} s: {said.Trim()}");
        Assert.True(replaced == 0, said);
        Assert.Contains("router local-1 replaced by local-3", said, StringComparison.Ordinal);
        routers = await RoutersAsync(stack);
        Assert.Equal(["local-2", "local-3"], routers.Where(r => (bool)r["running"]!).Select(r => (string?)r["node"]));
        var gone = Assert.Single(routers, r => (string?)r["node"] == "local-1");
        Assert.Equal("gone", (string?)gone["front"]);

        // Deploy again at once: local-1's last report is still in the bucket, behind the new routes.
        var checkout = await ServiceCheckout.CloneAsync(stack, Service, Path.Combine(stack.StateDirectory, "e2e-checkout"));
        clock.Restart();
        var second = await probe.RedeployOrdersAsync(checkout, "after a router replacement");
        output.WriteLine($"second deploy: {second["status"]} {clock.Elapsed.TotalSeconds:0.0} s after the push");
        Assert.True((string?)second["status"] == "SUCCEEDED", second.ToJsonString());
        var live = (await probe.Registry.GetServiceAsync(Service))!.LiveLabel!;
        Assert.NotEqual(first, live);
        Assert.Equal(live, await probe.VersionThroughFrontAsync("/orders/version"));
        var traffic = await load.StopAsync();
        output.WriteLine($"load through the front: {traffic}");

        Assert.True(traffic.Sent >= 100 && traffic.Failed == 0, traffic.ToString());
        Assert.Subset(new HashSet<string> { first, live }, traffic.AnsweredBy.Keys.ToHashSet());
        Assert.Contains(live, traffic.AnsweredBy.Keys);
        (published, _) = await probe.PublishedRoutesAsync();
        routers = await probe.PollAsync(() => RoutersAsync(stack),
            now => now.Where(r => (bool)r["running"]!).All(r => (long?)r["appliedVersion"] >= published && (bool)r["live"]!),
            TimeSpan.FromMinutes(1), $"local-2 and local-3 to apply routes version {published}");
        gone = Assert.Single(routers, r => (string?)r["node"] == "local-1");
        Assert.True((long?)gone["appliedVersion"] < published && !(bool)gone["live"]!, gone.ToJsonString());

        // A router whose agent exits is restarted under its own name; the stack goes on.
        var local2 = (int)routers.Single(r => (string?)r["node"] == "local-2")["pid"]!;
        using (var kill = Process.Start("/bin/kill", ["-TERM", local2.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await probe.PollAsync(() => RoutersAsync(stack),
            now => now.Any(r => (string?)r["node"] == "local-2" && (bool)r["running"]! && (int)r["pid"]! != local2 && (string?)r["front"] == "healthy"),
            TimeSpan.FromMinutes(1), "local-2 restarted and back in the front");
        var (listed, text) = await PipelineCli.RunAsync(TimeSpan.FromMinutes(1), "status", "--state-dir", stack.StateDirectory);
        Assert.True(listed == 0, text);
        Assert.Contains("local-3", text, StringComparison.Ordinal);
        Assert.Contains("not live", text, StringComparison.Ordinal);
        Assert.False(stack.HasExited);
    }

    /// <summary>The routers <c>./pipeline status --json</c> lists, running ones first.</summary>
    private static async Task<IReadOnlyList<JsonObject>> RoutersAsync(RunningStack stack)
    {
        var (exit, printed) = await PipelineCli.RunAsync(TimeSpan.FromMinutes(1), "status", "--json", "--state-dir", stack.StateDirectory);
        Assert.True(exit == 0, printed);
        return [.. JsonNode.Parse(printed[printed.IndexOf('{', StringComparison.Ordinal)..])!["routers"]!.AsArray().OfType<JsonObject>()];
    }
}
