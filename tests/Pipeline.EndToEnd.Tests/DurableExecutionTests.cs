using Pipeline.Core.Deploy;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// <c>./pipeline up</c> SIGKILLed in the middle of a deploy (while it waits for the new targets'
/// health), then started again on the same state directory: the execution resumes from its journal
/// and finishes; then <c>down</c> and <c>up</c> keep the live service serving through the front port.
/// </summary>
public sealed class DurableExecutionTests(ITestOutputHelper output)
{
    private const string Service = "orders";

    [Fact]
    public async Task Up_WhenKilledMidDeployAndStartedAgain_ShouldResumeTheDeployToLiveWithNoDuplicateNoOrphanAndTheLockFree()
    {
        var first = await RunningStack.StartAsync(Limits.StackStart);
        string state = first.StateDirectory, arn;
        IReadOnlyList<string> beforeKill;
        HashSet<int> oldInstancePids;
        await using (first)
        {
            using var probe = new StackProbe(first);
            var before = await probe.ExecutionArnsAsync();
            var (pushed, printed) = await PipelineCli.RunAsync(TimeSpan.FromMinutes(5), "push", Service, "--state-dir", state);
            Assert.True(pushed == 0, printed);
            arn = await probe.NewExecutionAsync(before, TimeSpan.FromMinutes(1));
            // CheckTargetHealth, not WaitForHealth: a deploy whose targets are healthy at the first check never waits.
            beforeKill = await probe.PollAsync(() => probe.StatesEnteredAsync(arn), s => s.Contains("CheckTargetHealth"), Limits.Run,
                "the deploy to check its targets' health");
            oldInstancePids = InstancePids(state);
            await first.KillAsync();
        }
        output.WriteLine($"killed `up` after {beforeKill.Count} states; {oldInstancePids.Count} instance process(es) left running");
        Assert.NotEmpty(oldInstancePids);

        var clock = Stopwatch.StartNew();
        var second = await RunningStack.RestartAsync(state, Limits.StackStart);
        await using (second)
        {
            var up = clock.Elapsed;
            using var probe = new StackProbe(second);
            var end = await probe.EndOfAsync(arn, Limits.Run);
            output.WriteLine($"restarted `up` in {up.TotalSeconds:0.0} s; the execution ended {end["status"]} {clock.Elapsed.TotalSeconds:0.0} s after the restart began");
            Assert.True((string?)end["status"] == "SUCCEEDED", end.ToJsonString() + "\n" + second.Output);

            var history = await probe.HistoryAsync(arn);
            Assert.Single(history, e => (string?)e["type"] == "ExecutionResumed");
            var entered = await probe.StatesEnteredAsync(arn);
            foreach (var once in new[] { "AcquireLock", "RecordVersion", "ProvisionTables", "LaunchInstances", "RegisterTargets" })
            {
                Assert.Equal(1, entered.Count(s => s == once));
            }

            var record = (await probe.Registry.GetServiceAsync(Service))!;
            var versions = await probe.Registry.ListVersionsAsync(Service);
            Assert.Equal(record.LiveLabel, Assert.Single(versions).Label);
            Assert.Null(await probe.Registry.GetLockAsync(DeployLock.LockName(Service)));
            Assert.Equal(record.LiveLabel, await probe.VersionThroughFrontAsync("/orders/version"));

            var instances = (await probe.InstancesAsync(Service)).Where(i => (string?)i["state"] == "running").ToList();
            Assert.Equal(2, instances.Count);
            var live = InstancePids(state);
            Assert.Empty(live.Intersect(oldInstancePids));
            Assert.Equal(instances.Select(i => (int)i["processId"]!).ToHashSet(), live);

            // `down` then `up`: the live version serves again through the front port, from the same instances.
            var (down, said) = await PipelineCli.RunAsync(TimeSpan.FromMinutes(2), "down", "--state-dir", state);
            Assert.True(down == 0, said);
            await second.WaitForExitAsync(TimeSpan.FromMinutes(2));
            Assert.Empty(InstancePids(state));
            await using var third = await RunningStack.RestartAsync(state, Limits.StackStart);
            using var again = new StackProbe(third);
            Assert.Equal(record.LiveLabel, await again.PollAsync(() => again.VersionThroughFrontAsync("/orders/version"),
                v => v == record.LiveLabel, TimeSpan.FromMinutes(1), "the live version through the front port after down and up"));
            Assert.Equal(instances.Select(i => (string?)i["instanceId"]).Order(), (await again.InstancesAsync(Service))
                .Where(i => (string?)i["state"] == "running").Select(i => (string?)i["instanceId"]).Order());
        }
    }

    /// <summary>Every process on the machine that is an instance of this state directory's fleet.</summary>
    private static HashSet<int> InstancePids(string state)
    {
        var root = Path.GetFullPath(state) + "/";
        var pids = new HashSet<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                var cwd = new DirectoryInfo(Path.Combine(dir, "cwd")).LinkTarget ?? "";
                if ((cwd + "/").StartsWith(root, StringComparison.Ordinal)
                    && File.ReadAllText(Path.Combine(dir, "environ")).Split('\0').Any(e => e.StartsWith("PIPELINE_INSTANCE_ID=", StringComparison.Ordinal))
                    && File.ReadAllText(Path.Combine(dir, "stat")).Split(") ")[1][0] != 'Z')
                {
                    pids.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // gone meanwhile
            }
        }
        return pids;
    }
}
