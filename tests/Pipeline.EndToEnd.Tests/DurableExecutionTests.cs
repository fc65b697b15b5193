using Pipeline.Core.Deploy;
using Pipeline.EndToEnd.Tests.Faults;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// <c>./pipeline up</c> SIGKILLed in the middle of a deploy (its health gate passed, PublishRoutes in
/// flight), then started again on the same state directory: the execution resumes from its journal,
/// retries the cut-off invocation and finishes; then <c>down</c> and <c>up</c> keep the live service
/// serving through the front port.
/// </summary>
public sealed class DurableExecutionTests(ITestOutputHelper output)
{
    private const string Service = "orders";

    /// <summary>The first Lambda task after the health gate (CheckTargetHealth itself is an SDK call `up` answers in-process).</summary>
    private const string HeldState = "PublishRoutes";

    [Fact]
    public async Task Up_WhenKilledMidDeployAndStartedAgain_ShouldResumeTheDeployToLiveWithNoDuplicateNoOrphanAndTheLockFree()
    {
        // The kill point is fixed, not raced: PublishRoutes' only process is warmed and SIGSTOPped before
        // the push. Nothing in a deploy calls PublishRoutes before the health gate; the run's invocation
        // then goes to the frozen process (the pool starts no second one while it lives, and idle 0 keeps
        // the reaper from replacing it) and stays in flight, however soon the targets are healthy, until
        // the function's 60 s timeout; the kill lands seconds after the attempt is journaled.
        var first = await RunningStack.StartAsync(Limits.StackStart, new Dictionary<string, string> { ["PIPELINE_FUNCTION_IDLE_SECONDS"] = "0" });
        string state = first.StateDirectory, arn;
        IReadOnlyList<string> beforeKill;
        HashSet<int> oldInstancePids;
        var frozen = new HashSet<int>();
        try
        {
            await using (first)
            {
                using var probe = new StackProbe(first);
                var root = first.Stack["pid"]!.GetValue<int>();
                await WarmAsync(first, HeldState + "Function");
                await StackProcesses.FreezeFunctionAsync(root, HeldState, frozen);
                Assert.NotEmpty(frozen);

                var before = await probe.ExecutionArnsAsync();
                var (pushed, printed) = await PipelineCli.RunAsync(TimeSpan.FromMinutes(5), "push", Service, "--state-dir", state);
                Assert.True(pushed == 0, printed);
                arn = await probe.NewExecutionAsync(before, TimeSpan.FromMinutes(1));
                var history = await probe.PollAsync(() => probe.HistoryAsync(arn), h => InFlight(h) == HeldState, Limits.Run,
                    $"the deploy to call {HeldState}");
                await probe.PollAsync(() => Task.FromResult(AttemptJournaled(state, arn, HeldState)), j => j, TimeSpan.FromSeconds(20),
                    $"the {HeldState} attempt in the execution's checkpoints");
                Assert.True(frozen.SetEquals(StackProcesses.Under(root).Where(p => StackProcesses.IsFunction(p, HeldState)).Select(p => p.Id)),
                    $"a {HeldState} process other than the frozen one ran");
                beforeKill = await probe.StatesEnteredAsync(arn);
                Assert.Contains("CheckTargetHealth", beforeKill);
                Assert.Equal(HeldState, beforeKill[^1]);
                oldInstancePids = InstancePids(state);
                await first.KillAsync();
                output.WriteLine($"{history.Count} events before the kill");
            }
        }
        finally
        {
            // The frozen process outlives `up`; it must never run the invocation it holds against the orphaned emulators.
            foreach (var pid in frozen.Where(pid => ProcessTable.Read(pid) is { } p && StackProcesses.IsFunction(p, HeldState)))
            {
                await StackProcesses.SignalAsync(pid, "KILL");
            }
        }

        output.WriteLine($"killed `up` with {HeldState} in flight after {beforeKill.Count} states; {oldInstancePids.Count} instance process(es) left running");
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
            var resumed = Assert.Single(history, e => (string?)e["type"] == "ExecutionResumed");
            Assert.Contains("(TaskStarted,", Cause(resumed), StringComparison.Ordinal);
            // The attempt the kill cut off failed as the resume retried it, and no other.
            var cutOff = Assert.Single(history, e => (string?)e["type"] == "TaskFailed" && Cause(e).Contains("was in flight", StringComparison.Ordinal));
            Assert.Contains($"task '{HeldState}'", Cause(cutOff), StringComparison.Ordinal);
            var entered = await probe.StatesEnteredAsync(arn);
            Assert.Equal(beforeKill, entered.Take(beforeKill.Count));
            Assert.Empty(entered.Skip(beforeKill.Count).Intersect(beforeKill));
            foreach (var once in new[] { "AcquireLock", "RecordVersion", "ProvisionTables", "LaunchInstances", "RegisterTargets", HeldState })
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

    /// <summary>
    /// Starts the function's process with an invocation its validation refuses (a service without label
    /// and targets), which changes nothing: the process stays warm for the run's invocation.
    /// </summary>
    private static async Task WarmAsync(RunningStack stack, string function)
    {
        using var http = new HttpClient();
        using var refused = new StringContent($$"""{"service":"{{Service}}"}""", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(stack.Endpoint("lambda"), $"2015-03-31/functions/{function}/invocations"), refused);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.Headers.Contains("X-Amz-Function-Error") && body.Contains("Pipeline.InvalidInput", StringComparison.Ordinal), body);
    }

    /// <summary>The Task state whose call is in flight where the history ends (its last event is TaskStarted), or null.</summary>
    private static string? InFlight(IReadOnlyList<JsonObject> history) =>
        history.Count > 0 && (string?)history[^1]["type"] == "TaskStarted"
            ? (string?)history.Last(e => ((string?)e["type"])?.EndsWith("StateEntered", StringComparison.Ordinal) == true)["stateEnteredEventDetails"]!["name"]
            : null;

    /// <summary>
    /// Whether the execution's checkpoints (the journal a resume reads) hold the attempt of the first visit of
    /// <paramref name="stateName"/>: killed before that line, the resume would run the state afresh instead
    /// of retrying a call cut off in flight. The engine writes it right after TaskStarted, on the same thread.
    /// </summary>
    private static bool AttemptJournaled(string state, string executionArn, string stateName)
    {
        var file = Directory.EnumerateFiles(state, executionArn.Split(':')[^1] + ".checkpoints", SearchOption.AllDirectories).SingleOrDefault();
        if (file is null)
        {
            return false;
        }

        using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        // Each line is one JSON object; the last one may be torn mid-write, and is then not the attempt.
        return reader.ReadToEnd().Split('\n').Where(l => l.EndsWith('}')).Select(l => JsonNode.Parse(l)!)
            .Any(line => (string?)line["k"] == $"/{stateName}#1" && (string?)line["t"] == "attempted");
    }

    private static string Cause(JsonObject historyEvent) =>
        historyEvent.Select(p => p.Value).OfType<JsonObject>().Select(d => (string?)d["cause"]).FirstOrDefault(c => c is not null) ?? "";

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
