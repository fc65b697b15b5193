using System.Net;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// <c>./pipeline up</c>, then orders, catalog and the composite storefront pushed as a user pushes
/// them: one GET through the front port answered with both services' bodies, a redeploy of orders
/// under composed load without a dropped request, and a composer that dies restarted by the stack.
/// </summary>
public sealed class CompositionTests(ITestOutputHelper output)
{
    private const string ComposedPath = "/storefront/customers/e2e-customer";

    [Fact]
    public async Task Compose_WhenOrdersIsRedeployedAndTheComposerDies_ShouldAnswerBothBodiesDropNoRequestAndServeAgain()
    {
        await using var stack = await RunningStack.StartAsync(output);
        using var probe = new StackProbe(stack);
        var clock = Stopwatch.StartNew();
        foreach (var (service, from) in new (string Service, string? From)[] { ("orders", null), ("catalog", null), ("storefront", RepositoryRoot.Combine("examples/compositions/storefront")) })
        {
            clock.Restart();
            var before = await probe.ExecutionArnsAsync();
            string[] push = ["push", service, "--state-dir", stack.StateDirectory, .. from is null ? Array.Empty<string>() : ["--from", from]];
            var (pushed, printed) = await PipelineCli.RunAsync(TimeSpan.FromMinutes(5), push);
            Assert.True(pushed == 0, printed);
            var run = await probe.EndOfNewRunAsync(before);
            output.WriteLine($"{service}: {run["status"]} {clock.Elapsed.TotalSeconds:0.0} s after the push");
            Assert.True((string?)run["status"] == "SUCCEEDED", run.ToJsonString());
        }

        Assert.Empty(await probe.InstancesAsync("storefront"));
        var (_, config) = await probe.PublishedRoutesAsync();
        Assert.Contains("# compose ", config, StringComparison.Ordinal);
        await probe.WaitForRouterAsync(TimeSpan.FromMinutes(1));
        var composed = await probe.PollAsync(ComposedAsync, answer => answer.Status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), $"GET {ComposedPath} to answer 200 through the front");
        output.WriteLine($"GET {ComposedPath}: {composed.Body.ToJsonString()}");
        Assert.IsType<JsonArray>(composed.Body["orders"]?["orders"]);
        Assert.IsType<JsonArray>(composed.Body["catalog"]?["items"]);
        Assert.Null(composed.Body["errors"]);

        // A new orders version goes live while compositions that call it flow through the front port.
        await using (var load = new FrontLoad(probe.Front(ComposedPath), answeredBy: Composed))
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            var checkout = await ServiceCheckout.CloneAsync(stack, "orders", Path.Combine(stack.StateDirectory, "e2e-checkout"));
            var first = (await probe.Registry.GetServiceAsync("orders"))!.LiveLabel!;
            clock.Restart();
            var second = await probe.RedeployOrdersAsync(checkout, "composed");
            output.WriteLine($"orders redeploy: {second["status"]} {clock.Elapsed.TotalSeconds:0.0} s after the push");
            Assert.True((string?)second["status"] == "SUCCEEDED", second.ToJsonString());
            Assert.NotEqual(first, (await probe.Registry.GetServiceAsync("orders"))!.LiveLabel);
            var traffic = await load.StopAsync();
            output.WriteLine($"composed load through the front during the redeploy: {traffic.Sent} requests, {traffic.Failed} failed ({traffic})");
            Assert.True(traffic.Sent >= 100 && traffic.Failed == 0, traffic.ToString());
        }

        // A composer that dies is restarted by the stack, which goes on; compositions are served again.
        var killed = await ComposerPidAsync(stack);
        using (var kill = Process.Start("/bin/kill", ["-KILL", killed.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        clock.Restart();
        await probe.PollAsync(() => ComposerPidAsync(stack), pid => pid != killed && pid != 0, TimeSpan.FromMinutes(1), "the stack to restart the composer");
        composed = await probe.PollAsync(ComposedAsync, answer => answer.Status == HttpStatusCode.OK,
            TimeSpan.FromMinutes(1), $"GET {ComposedPath} to answer 200 again after the composer was killed");
        output.WriteLine($"composer killed: compositions served again after {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.NotNull(Composed(composed.Body));
        Assert.Contains("the composer exited with", stack.Output, StringComparison.Ordinal);
        Assert.False(stack.HasExited);

        async Task<(HttpStatusCode Status, JsonObject Body)> ComposedAsync()
        {
            using var http = new HttpClient();
            using var response = await http.GetAsync(probe.Front(ComposedPath));
            var body = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, response.IsSuccessStatusCode ? JsonNode.Parse(body) as JsonObject ?? [] : new JsonObject { ["text"] = body });
        }
    }

    /// <summary>"composed" when the answer holds both bodies and no error, otherwise null (a failure).</summary>
    private static string? Composed(JsonNode? answer) =>
        answer?["orders"] is JsonObject && answer["catalog"] is JsonObject && answer["errors"] is null ? "composed" : null;

    /// <summary>The pid of the composer the stack runs now, from <c>./pipeline status --json</c>; 0 when it is not running.</summary>
    private static async Task<int> ComposerPidAsync(RunningStack stack)
    {
        var (exit, printed) = await PipelineCli.RunAsync(TimeSpan.FromMinutes(1), "status", "--json", "--state-dir", stack.StateDirectory);
        Assert.True(exit == 0, printed);
        var composer = JsonNode.Parse(printed[printed.IndexOf('{', StringComparison.Ordinal)..])!["processes"]!.AsArray()
            .OfType<JsonObject>().SingleOrDefault(p => (string?)p["name"] == "composer" && (bool)p["running"]!);
        return composer is null ? 0 : (int)composer["pid"]!;
    }
}
