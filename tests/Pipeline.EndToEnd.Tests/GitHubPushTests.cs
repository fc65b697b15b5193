namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// A GitHub push on <c>./pipeline up</c>, from the outside: <c>./pipeline push orders --github</c> delivers a
/// signed push webhook to the receiver's function URL, the run it starts deploys the commit, and the person
/// who pushed sees <c>pending</c> then <c>success</c> on the commit, as the local GitHub stand-in recorded them
/// and <c>./pipeline status</c> shows them.
/// </summary>
public sealed class GitHubPushTests(ITestOutputHelper output)
{
    private const string Service = "orders";

    [Fact]
    public async Task PushGitHub_WhenTheRunSucceeds_ShouldPutTheCommitLiveAndReportPendingThenSuccessOnIt()
    {
        var clock = Stopwatch.StartNew();
        await using var stack = await RunningStack.StartAsync(output);
        using var probe = new StackProbe(stack);

        var (execution, live) = await probe.PushToLiveAsync(Service, ["--github"]);
        Assert.StartsWith("github-orders-", execution.Split(':')[^1], StringComparison.Ordinal);

        var commit = Assert.Single(await probe.Registry.ListVersionsAsync(Service), v => v.Label == live).Commit;
        output.WriteLine($"{Service} {live} ({commit}) live {clock.Elapsed.TotalSeconds:0.0} s after start");

        // The final status follows the run's end through EventBridge and the function: wait for it.
        var statuses = await probe.PollAsync(
            () => CommitStatusesAsync(stack, commit),
            found => found.Any(s => (string?)s["state"] == "success"), TimeSpan.FromMinutes(1), $"a success status on {commit}");
        Assert.Equal(["pending", "success"], statuses.Select(s => (string?)s["state"]));
        Assert.All(statuses, s => Assert.Equal($"pipeline-local/{Service}", (string?)s["repository"]));
        Assert.All(statuses, s => Assert.Equal("deploy/pipeline", (string?)s["context"]));

        // The success links the run it reports.
        using var http = new HttpClient();
        var page = JsonNode.Parse(await http.GetStringAsync((string)statuses[^1]["target_url"]!))!;
        Assert.Equal(execution, (string?)page["executionArn"]);

        var (_, shown) = await PipelineCli.RunAsync(TimeSpan.FromMinutes(1), "status", "--state-dir", stack.StateDirectory);
        Assert.Contains("commit statuses", shown, StringComparison.Ordinal);
        Assert.Contains($"success  pipeline-local/{Service}@{commit[..7]}", shown, StringComparison.Ordinal);
    }

    /// <summary>The statuses of one commit in the stack's status document (what <c>status --json</c> prints), oldest first.</summary>
    private static async Task<List<JsonObject>> CommitStatusesAsync(RunningStack stack, string commit)
    {
        using var http = new HttpClient();
        var status = JsonNode.Parse(await http.GetStringAsync(new Uri(stack.Endpoint("stepfunctions"), "/stack")))!;
        return [.. (status["commitStatuses"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(s => (string?)s["sha"] == commit).Reverse()];
    }
}
