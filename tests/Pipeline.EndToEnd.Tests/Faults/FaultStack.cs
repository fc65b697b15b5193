using Pipeline.Core.Manifest;

namespace Pipeline.EndToEnd.Tests.Faults;

/// <summary>
/// One <c>./pipeline up</c> with the orders example deployed once, shared by the fault cases of
/// one test so that the stack starts once; each case injects one fault into it under load.
/// </summary>
internal sealed class FaultStack : IAsyncDisposable
{
    public const string Service = "orders";

    public static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(8);

    /// <summary>How many instances each version runs (the example's instances.count).</summary>
    public static readonly int InstanceCount = ManifestParser.Parse(
        File.ReadAllText(RepositoryRoot.Combine("examples/services/orders/service.yaml"))).Instances.Count;

    private int _pushes;

    private FaultStack(RunningStack stack, StackProbe probe, ServiceCheckout checkout)
    {
        Stack = stack;
        Probe = probe;
        Checkout = checkout;
    }

    public RunningStack Stack { get; }

    public StackProbe Probe { get; }

    public ServiceCheckout Checkout { get; }

    /// <summary>The stack's own process: every emulator, agent, function and instance runs under it.</summary>
    public int Root => Stack.Stack["pid"]!.GetValue<int>();

    public static async Task<FaultStack> StartAsync(Action<string> log)
    {
        var clock = Stopwatch.StartNew();
        var stack = await RunningStack.StartAsync(TimeSpan.FromMinutes(10));
        var probe = new StackProbe(stack);
        var before = await probe.ExecutionArnsAsync();
        var (exit, printed) = await PipelineCli.RunAsync(TimeSpan.FromMinutes(5), "push", Service, "--state-dir", stack.StateDirectory);
        Assert.True(exit == 0, printed);
        var end = await probe.EndOfAsync(await probe.NewExecutionAsync(before, TimeSpan.FromMinutes(1)), RunLimit);
        Assert.True((string?)end["status"] == "SUCCEEDED", end.ToJsonString());
        var checkout = await ServiceCheckout.CloneAsync(stack, Service, Path.Combine(stack.StateDirectory, "fault-checkout"));
        log($"stack up and {Service} live after {clock.Elapsed.TotalSeconds:0} s");
        return new FaultStack(stack, probe, checkout);
    }

    /// <summary>Pushes a commit that changes nothing but a comment; returns the execution it started.</summary>
    public async Task<string> PushAsync(string why)
    {
        var before = await Probe.ExecutionArnsAsync();
        var n = Interlocked.Increment(ref _pushes);
        await Checkout.CommitAndPushAsync("server.js", js => js + $"\n// fault case {n}: {why}\n", $"{Service}: {why}");
        return await Probe.NewExecutionAsync(before, TimeSpan.FromMinutes(1));
    }

    /// <summary>Polls the execution's history (every 200 ms) until it entered <paramref name="state"/>; false if it ended first.</summary>
    public async Task<bool> WaitForStateAsync(string execution, string state)
    {
        var deadline = DateTime.UtcNow + RunLimit;
        while (DateTime.UtcNow < deadline)
        {
            if ((await Probe.StatesEnteredAsync(execution)).Contains(state))
            {
                return true;
            }

            var described = await Probe.StepFunctionsAsync("DescribeExecution", new JsonObject { ["executionArn"] = execution });
            if ((string?)described["status"] != "RUNNING")
            {
                return false;
            }

            await Task.Delay(200);
        }

        return false;
    }

    /// <summary>The run's status, with the error names its tasks failed with on the way (retried or not).</summary>
    public async Task<(string Status, string Outcome)> OutcomeAsync(string execution)
    {
        var end = await Probe.EndOfAsync(execution, RunLimit);
        var status = (string)end["status"]!;
        var errors = (await Probe.HistoryAsync(execution))
            .Select(e => e.Select(p => p.Value).OfType<JsonObject>().Select(d => (string?)d["error"]).FirstOrDefault(x => x is not null))
            .OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var states = await Probe.StatesEnteredAsync(execution);
        var outcome = status == "SUCCEEDED" ? "deployed" : states.Contains("Rollback") || states.Contains("RollbackVersion") ? "rolled back" : status.ToLowerInvariant();
        return (status, errors.Count == 0 ? outcome : $"{outcome} (errors seen: {string.Join(", ", errors)})");
    }

    /// <summary>The running instances of the service, by version.</summary>
    public async Task<IReadOnlyList<JsonObject>> RunningAsync() =>
        [.. (await Probe.InstancesAsync(Service)).Where(i => (string?)i["state"] == "running")];

    public async ValueTask DisposeAsync()
    {
        Probe.Dispose();
        await Stack.DisposeAsync();
    }
}
