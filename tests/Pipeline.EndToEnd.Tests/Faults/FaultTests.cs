namespace Pipeline.EndToEnd.Tests.Faults;

/// <summary>
/// Issue 19's fault suite: one process dies or stalls while a small GET load runs through the front
/// port, with or without a deploy in progress; each case prints its figures and checks the service's
/// invariants afterwards (<see cref="StackInvariants"/>). The cases of one test share one stack and run
/// in order. The first test runs in <c>./build.sh test</c>; the second, whose every case is a whole
/// deploy, runs only from bench/faults.sh (Category=Bench), which also collects the README table.
/// Emulators are paused with SIGSTOP/SIGCONT (a killed emulator stops the whole stack by design).
/// </summary>
public sealed class FaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(10);

    /// <summary>
    /// FrontLoad's clients, one request each at a time: the most a SIGKILLed haproxy master can fail,
    /// the requests its workers had accepted (they exit with it). The agent holds the listening
    /// socket, so every connection after the kill waits for the restarted haproxy instead of failing.
    /// </summary>
    private const int FrontLoadWorkers = 4;

    [Fact]
    public async Task Faults_WhenAProcessOfALiveStackDies_ShouldLoseNoGetAndKeepTheInvariants()
    {
        await using var stack = await FaultStack.StartAsync(output.WriteLine);
        List<FaultResult> results =
        [
            await HaproxyMasterKilledAsync(stack),
            // Last: nothing replaces a dead instance until the next deploy.
            await InstanceKilledAfterLiveAsync(stack),
        ];
        Conclude(results);
    }

    [Fact]
    [Trait("Category", "Bench")]
    public async Task Faults_WhenSomethingDiesMidDeploy_ShouldDeployOrRollBackCleanlyWithoutLosingAGet()
    {
        await using var stack = await FaultStack.StartAsync(output.WriteLine);
        List<FaultResult> results =
        [
            // Every case that hits a function's state holds its invocation (HoldInvocationAsync) from
            // AcquireLock on, a whole build before it, so a fast state cannot end before the fault lands.
            await DeployAsync(stack, "s3rver paused 10 s during PublishRoutes", "AcquireLock", execution => PauseDuringAsync(stack, execution, "PublishRoutes", "s3rver")),
            await DeployAsync(stack, "dynalite paused 10 s during RecordVersion", "AcquireLock", execution => PauseDuringAsync(stack, execution, "RecordVersion", "dynalite")),
            await DeployAsync(stack, "dynalite paused 10 s during ProvisionTables", "AcquireLock", execution => PauseDuringAsync(stack, execution, "ProvisionTables", "dynalite")),
            // The Retry of Runtime.ExitError runs the invocation again in a new process.
            await DeployAsync(stack, "function process killed mid-invocation (PublishRoutes)", "AcquireLock",
                execution => KillFunctionInFlightAsync(stack, execution, "PublishRoutes"), mustSucceed: true, mustShow: "Runtime.ExitError"),
            // The dead instance is terminated and replaced before the version goes live.
            await DeployAsync(stack, "new instance killed before it became healthy", "CheckTargetHealth", _ => KillNewInstanceAsync(stack),
                mustSucceed: true, mustShow: "CountReplacement"),
            // The restarted agent adopts the haproxy its predecessor left serving, and applies the routes.
            await RouterAgentKilledDuringSwitchAsync(stack),
        ];
        Conclude(results);
    }

    private async Task<FaultResult> HaproxyMasterKilledAsync(FaultStack stack)
    {
        var agent = StackProcesses.Single(stack.Root, "router agent", IsAgent);
        var master = StackProcesses.Single(stack.Root, "haproxy master", p => p.Parent == agent.Id && IsHaproxy(p));
        var problems = new List<string>();
        var result = await SteadyAsync(stack, "haproxy master SIGKILLed (steady load)", async () =>
        {
            await StackProcesses.SignalAsync(master.Id, "KILL");
            var restarted = await WaitAsync(() => StackProcesses.Under(stack.Root).Any(p => p.Parent == agent.Id && IsHaproxy(p) && p.Id != master.Id), TimeSpan.FromSeconds(60));
            if (!restarted)
            {
                problems.Add("the agent did not start a new haproxy master within 60 s");
            }
        }, expectedViolations: [], maxFailed: FrontLoadWorkers);
        return result with { Problems = [.. result.Problems, .. problems, .. Orphans(stack)] };
    }

    /// <summary>
    /// The agent is stopped while PublishRoutes' invocation is held, so it cannot apply the routes the
    /// released invocation publishes; it is killed once they are published, between the publish and the apply.
    /// </summary>
    private async Task<FaultResult> RouterAgentKilledDuringSwitchAsync(FaultStack stack) =>
        await DeployAsync(stack, "router agent SIGKILLed during the switch", "AcquireLock", async execution =>
        {
            var agent = StackProcesses.Single(stack.Root, "router agent", IsAgent);
            var frozen = await HoldInvocationAsync(stack, execution, "PublishRoutes");
            var (before, _) = await stack.Probe.PublishedRoutesAsync();
            long published, applied;
            await StackProcesses.SignalAsync(agent.Id, "STOP");
            try
            {
                await ResumeAsync(frozen);
                (published, _) = await stack.Probe.PollAsync(stack.Probe.PublishedRoutesAsync, routes => routes.Version > before, FaultStack.RunLimit, "PublishRoutes to publish");
                applied = await stack.Probe.AppliedRoutesVersionAsync();
            }
            finally
            {
                await StackProcesses.SignalAsync(agent.Id, "KILL");
            }

            Assert.True(applied < published, $"the router had applied routes version {applied} of {published} when its agent was killed: the kill missed the switch");
        }, mustSucceed: true);

    private async Task<FaultResult> InstanceKilledAfterLiveAsync(FaultStack stack)
    {
        var live = (await stack.Probe.Registry.GetServiceAsync(FaultStack.Service))!.LiveLabel;
        var victim = (await stack.RunningAsync()).First(i => (string?)i["version"] == live);
        // The stopped instance stays in its target group and in the routes (marked down by haproxy)
        // until the next deploy replaces the version: nothing relaunches a dead instance locally.
        return await SteadyAsync(stack, "live instance SIGKILLed (steady load)",
            () => StackProcesses.SignalAsync((int)victim["processId"]!, "KILL"),
            expectedViolations: [StackInvariants.LiveHealthy, StackInvariants.NoDeadRoute], maxFailed: 0);
    }

    /// <summary>Load for 2 s, the fault, 8 s more load; then the invariants.</summary>
    private async Task<FaultResult> SteadyAsync(FaultStack stack, string fault, Func<Task> inject, string[] expectedViolations, long maxFailed)
    {
        var clock = Stopwatch.StartNew();
        FrontLoadResult traffic;
        await using (var load = new FrontLoad(stack.Probe.Front("/orders/version"), FrontLoadWorkers))
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            await inject();
            await Task.Delay(TimeSpan.FromSeconds(8));
            traffic = await load.StopAsync();
        }

        var invariants = await StackInvariants.CheckAsync(stack.Probe, FaultStack.Service, FaultStack.InstanceCount);
        var problems = new List<string>();
        if (traffic.Failed > maxFailed)
        {
            problems.Add($"{traffic.Failed} requests failed");
        }

        if (!invariants.Violated.Order().SequenceEqual(expectedViolations.Order()))
        {
            problems.Add($"invariants violated: [{string.Join(", ", invariants.Violated)}], expected [{string.Join(", ", expectedViolations)}]");
        }

        return Print(new FaultResult(fault, traffic, $"steady traffic, {clock.Elapsed.TotalSeconds:0} s", invariants, problems));
    }

    /// <summary>
    /// Pushes a commit under load, injects the fault once the run entered <paramref name="state"/>, and
    /// waits for the end of the run and for the router; the run must deploy, or (unless
    /// <paramref name="mustSucceed"/>) roll back cleanly, with no failed GET and every invariant held.
    /// <paramref name="mustShow"/>, a state or an error name, is what proves the fault hit: the run must have entered or seen it.
    /// </summary>
    private async Task<FaultResult> DeployAsync(
        FaultStack stack, string fault, string state, Func<string, Task> inject, bool mustSucceed = false, string? mustShow = null)
    {
        var clock = Stopwatch.StartNew();
        var problems = new List<string>();
        FrontLoadResult traffic;
        string status, outcome;
        await using (var load = new FrontLoad(stack.Probe.Front("/orders/version"), FrontLoadWorkers))
        {
            var execution = await stack.PushAsync(fault);
            if (await stack.WaitForStateAsync(execution, state))
            {
                await inject(execution);
            }
            else
            {
                problems.Add($"the run ended before it entered {state}: the fault was not injected");
            }

            (status, outcome) = await stack.OutcomeAsync(execution);
            if (mustShow is not null && !outcome.Contains(mustShow, StringComparison.Ordinal)
                && !(await stack.Probe.StatesEnteredAsync(execution)).Contains(mustShow))
            {
                problems.Add($"the run shows no {mustShow}: the fault missed what it was meant to hit");
            }

            await stack.Probe.WaitForRouterAsync(TimeSpan.FromMinutes(2));
            traffic = await load.StopAsync();
        }

        var invariants = await StackInvariants.CheckAsync(stack.Probe, FaultStack.Service, FaultStack.InstanceCount);
        if (status != "SUCCEEDED" && (mustSucceed || !outcome.StartsWith("rolled back", StringComparison.Ordinal)))
        {
            problems.Add($"the run ended {status}: {outcome}");
        }

        if (traffic.Failed > 0)
        {
            problems.Add($"{traffic.Failed} requests failed");
        }

        if (invariants.Violated.Count > 0)
        {
            problems.Add("invariants violated: " + string.Join(", ", invariants.Violated));
        }

        return Print(new FaultResult(fault, traffic, $"{outcome}, {clock.Elapsed.TotalSeconds:0} s from push", invariants, [.. problems, .. Orphans(stack)]));
    }

    /// <summary>
    /// SIGSTOPs the emulator (unreachable, but it keeps its data and port) while <paramref name="function"/>'s
    /// invocation is held, then releases the invocation, whose calls meet the paused emulator; SIGCONT after
    /// <see cref="Pause"/>. The run must be inside the function's task at both ends of the pause.
    /// </summary>
    private static async Task PauseDuringAsync(FaultStack stack, string execution, string function, string emulator)
    {
        var process = StackProcesses.Single(stack.Root, emulator, p => p.CommandLine.StartsWith("node ", StringComparison.Ordinal) && p.CommandLine.Contains(emulator, StringComparison.Ordinal));
        var frozen = await HoldInvocationAsync(stack, execution, function);
        try
        {
            await AssertInTaskAsync(stack, execution, function, $"when {emulator} was paused");
            await StackProcesses.SignalAsync(process.Id, "STOP");
            try
            {
                await ResumeAsync(frozen);
                await Task.Delay(Pause);
                await AssertInTaskAsync(stack, execution, function, $"when {emulator} was resumed");
            }
            finally
            {
                await StackProcesses.SignalAsync(process.Id, "CONT");
            }
        }
        finally
        {
            await ResumeAsync(frozen);
        }
    }

    /// <summary>
    /// Kills the function's process while it holds the run's invocation (<see cref="HoldInvocationAsync"/>):
    /// the invocation fails Runtime.ExitError.
    /// </summary>
    private static async Task KillFunctionInFlightAsync(FaultStack stack, string execution, string function)
    {
        var frozen = await HoldInvocationAsync(stack, execution, function);
        await AssertInTaskAsync(stack, execution, function, "when its process was killed");
        foreach (var pid in frozen)
        {
            await StackProcesses.SignalAsync(pid, "KILL");
        }
    }

    /// <summary>
    /// Holds the run's invocation of <paramref name="function"/>: its processes are frozen (SIGSTOP)
    /// before the run reaches the function's state, so the invocation the Lambda service hands to one of
    /// them stays in flight; returns them, still frozen, once the run entered that state and the service
    /// had 2 s to hand it over.
    /// </summary>
    private static async Task<IReadOnlySet<int>> HoldInvocationAsync(FaultStack stack, string execution, string function)
    {
        var frozen = new HashSet<int>();
        Task FreezeAsync() => StackProcesses.FreezeFunctionAsync(stack.Root, function, frozen);

        var deadline = DateTime.UtcNow + FaultStack.RunLimit;
        while (true)
        {
            var history = await stack.Probe.HistoryAsync(execution);
            var entered = StackProbe.StatesEntered(history);
            if (entered.Contains(function))
            {
                break;
            }

            // A run that ended (a rollback, a failure) will never reach the state: say how it ended, not only that time ran out.
            var end = history.LastOrDefault(e => (string?)e["type"] is "ExecutionSucceeded" or "ExecutionFailed" or "ExecutionAborted" or "ExecutionTimedOut");
            Assert.True(end is null, $"the run ended before it reached {function}: {end?.ToJsonString()}; states entered: {string.Join(", ", entered)}");
            Assert.True(DateTime.UtcNow < deadline, $"the run did not reach {function} within {FaultStack.RunLimit}; states entered: {string.Join(", ", entered)}");
            await FreezeAsync();
            await Task.Delay(100);
        }

        for (var i = 0; i < 20; i++)
        {
            await FreezeAsync();
            await Task.Delay(100);
        }

        Assert.True(frozen.Count > 0, $"no process of function {function} ran");
        return frozen;
    }

    private static async Task ResumeAsync(IEnumerable<int> frozen)
    {
        foreach (var pid in frozen)
        {
            await StackProcesses.SignalAsync(pid, "CONT");
        }
    }

    /// <summary>Fails unless the run's last state event entered <paramref name="state"/> and its task started since: the fault lands inside that task.</summary>
    private static async Task AssertInTaskAsync(FaultStack stack, string execution, string state, string when)
    {
        var history = await stack.Probe.HistoryAsync(execution);
        var last = history.Select((e, i) => (Type: (string?)e["type"] ?? "", Index: i))
            .LastOrDefault(e => e.Type.EndsWith("StateEntered", StringComparison.Ordinal) || e.Type.EndsWith("StateExited", StringComparison.Ordinal));
        var inState = last.Type == "TaskStateEntered" && (string?)history[last.Index]["stateEnteredEventDetails"]?["name"] == state
            && history.Skip(last.Index).Any(e => (string?)e["type"] is "TaskStarted" or "LambdaFunctionStarted");
        Assert.True(inState, $"{when}, the run was not inside {state}'s task; its history:\n{string.Join('\n', history.Select(e => e.ToJsonString()))}");
    }

    private static async Task KillNewInstanceAsync(FaultStack stack)
    {
        var live = (await stack.Probe.Registry.GetServiceAsync(FaultStack.Service))!.LiveLabel;
        var fresh = (await stack.RunningAsync()).First(i => (string?)i["version"] != live);
        await StackProcesses.SignalAsync((int)fresh["processId"]!, "KILL");
    }

    /// <summary>
    /// Haproxy or agent processes of this stack that are no longer under it (a killed parent left them
    /// behind), but for the haproxy master a restarted agent adopted (its router's pid file names it) and its workers.
    /// </summary>
    private static IEnumerable<string> Orphans(FaultStack stack)
    {
        var under = StackProcesses.Under(stack.Root).Select(p => p.Id).ToHashSet();
        var pidFile = Path.Combine(stack.Stack.StateDirectory, "haproxy", "haproxy.cfg.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var master))
        {
            under.UnionWith([master, .. StackProcesses.Under(master).Select(p => p.Id)]);
        }

        return StackProcesses.Under(1)
            .Where(p => !under.Contains(p.Id) && p.Id != stack.Root && p.CommandLine.Contains(stack.Stack.StateDirectory, StringComparison.Ordinal)
                && (IsHaproxy(p) || IsAgent(p)))
            .Select(p => $"orphaned process {p.Id}: {p.CommandLine}");
    }

    private static bool IsAgent(ProcessEntry p) => p.CommandLine.Contains("pipeline-router-agent", StringComparison.Ordinal);

    private static bool IsHaproxy(ProcessEntry p) => p.CommandLine.Split(' ')[0].EndsWith("haproxy", StringComparison.Ordinal);

    private static async Task<bool> WaitAsync(Func<bool> done, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(200);
        }

        return true;
    }

    private FaultResult Print(FaultResult result)
    {
        output.WriteLine(result.ToString());
        result.Report();
        return result;
    }

    private void Conclude(IReadOnlyList<FaultResult> results)
    {
        output.WriteLine("| fault | requests | failed | outcome | invariants held |");
        foreach (var result in results)
        {
            output.WriteLine(result.Row());
        }

        Assert.True(results.All(r => r.Problems.Count == 0), string.Join("\n", results.Where(r => r.Problems.Count > 0)));
    }
}
