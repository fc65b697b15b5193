using Pipeline.States.Service;

namespace Pipeline.States.Tests;

public sealed class ExecutionHistoryMemoryTests : IDisposable
{
    private readonly string _journalDir = Directory.CreateTempSubdirectory("states-journal-").FullName;

    // Each run's history carries a 100 KiB value (Grow's output, Watch's input); its output does not.
    // Watch takes weak references to the events recorded so far, the ones the execution holds while it runs.
    private static readonly string Definition = new JsonObject
    {
        ["StartAt"] = "Grow",
        ["States"] = new JsonObject
        {
            ["Grow"] = new JsonObject { ["Type"] = "Pass", ["Result"] = new string('x', 100 * 1024), ["ResultPath"] = "$.blob", ["Next"] = "Watch" },
            ["Watch"] = new JsonObject
            {
                ["Type"] = "Task", ["Resource"] = HistoryWatcher.Resource, ["ResultPath"] = null, ["Next"] = "Trim",
                ["Parameters"] = new JsonObject { ["execution.$"] = "$$.Execution.Id" },
            },
            ["Trim"] = new JsonObject { ["Type"] = "Pass", ["Parameters"] = new JsonObject { ["n.$"] = "$.n" }, ["End"] = true },
        },
    }.ToJsonString();

    public void Dispose() => Directory.Delete(_journalDir, recursive: true);

    [Fact]
    public async Task FinishedExecutions_WhenJournaled_ShouldNotHoldTheirHistoriesInMemory()
    {
        // What the service retains, not the process's heap (other tests allocate beside this one): every
        // event an execution held while it ran must be collectable once it has finished.
        const int runs = 5;
        var watcher = new HistoryWatcher();
        var engine = new StatesEngine(new EngineOptions
        {
            WaitTimeScale = 0,
            Integrations = new TaskIntegrationRegistry().Register(HistoryWatcher.Resource, watcher),
        });
        await using var service = new StepFunctionsService(engine, new ExecutionJournal(_journalDir));
        watcher.Service = service;
        var machine = service.CreateStateMachine("Grow", Definition);

        for (var i = 0; i < runs; i++)
        {
            await Run(service, machine.Arn, $"run-{i}");
        }

        Assert.True(watcher.Watched >= runs * 3, $"the Task saw only {watcher.Watched} events in {runs} runs");
        var reachable = watcher.Reachable();
        Assert.True(reachable == 0, $"{reachable} of the {watcher.Watched} events {runs} finished executions recorded are still held in memory");
        var history = service.GetExecutionHistory(service.ListExecutions(machine.Arn)[0].ExecutionArn);
        Assert.Equal("ExecutionSucceeded", history[^1].Type);
        Assert.Contains(history, e => e.Details?.ToJsonString().Contains(new string('x', 100 * 1024), StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task GetExecutionHistory_WhenTheExecutionFinished_ShouldAnswerWhatItAnsweredWhileItRan()
    {
        await using var service = new StepFunctionsService(new StatesEngine(new EngineOptions { WaitTimeScale = 1 }), new ExecutionJournal(_journalDir));
        var machine = service.CreateStateMachine("Waits", """
            {"StartAt":"Wait","States":{"Wait":{"Type":"Wait","Seconds":1,"Next":"Done"},"Done":{"Type":"Pass","End":true}}}
            """);
        var execution = service.StartExecution(machine.Arn, "run", """{"n":1}""");
        while (service.GetExecutionHistory(execution.ExecutionArn).All(e => e.Type != "WaitStateEntered"))
        {
            await Task.Delay(10);
        }
        var whileRunning = service.GetExecutionHistory(execution.ExecutionArn);

        await execution.Finished;

        var finished = service.GetExecutionHistory(execution.ExecutionArn);
        Assert.Equal(whileRunning.Select(Json), finished.Take(whileRunning.Count).Select(Json));
        Assert.Equal("ExecutionSucceeded", finished[^1].Type);
        Assert.Equal(finished.Select(Json), service.GetExecutionHistory(execution.ExecutionArn).Select(Json));
    }

    private static string Json(History.HistoryEvent e) => e.ToJson().ToJsonString();

    private static async Task Run(StepFunctionsService service, string machineArn, string name)
    {
        var execution = service.StartExecution(machineArn, name, """{"n":1}""");
        await execution.Finished;
        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
    }

    /// <summary>A Task that takes a weak reference to each event its execution has recorded so far, and holds no other.</summary>
    private sealed class HistoryWatcher : ITaskIntegration
    {
        public const string Resource = "arn:aws:states:::tests:watchHistory";
        private readonly System.Collections.Concurrent.ConcurrentBag<WeakReference> _events = [];

        public StepFunctionsService? Service { get; set; }

        public int Watched => _events.Count;

        public Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
        {
            var execution = invocation.Input!["execution"]!.GetValue<string>();
            foreach (var e in Service!.GetExecutionHistory(execution))
            {
                _events.Add(new WeakReference(e));
            }
            return Task.FromResult<JsonNode?>(null);
        }

        /// <summary>How many of the watched events something still references, after a full collection.</summary>
        public int Reachable()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return _events.Count(e => e.IsAlive);
        }
    }
}
