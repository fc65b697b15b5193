using Pipeline.States.Service;

namespace Pipeline.States.Tests;

public sealed class StepFunctionsServiceTests : IDisposable
{
    private readonly string _journalDir = Directory.CreateTempSubdirectory("states-journal-").FullName;

    private const string Definition = """
        {"StartAt":"Add","States":{"Add":{"Type":"Pass","Parameters":{"n.$":"States.MathAdd($.n, 1)"},"Next":"Done"},"Done":{"Type":"Succeed"}}}
        """;

    private static StatesEngine Engine() => new(new EngineOptions { WaitTimeScale = 0 });

    public void Dispose() => Directory.Delete(_journalDir, recursive: true);

    [Fact]
    public async Task StartExecution_WhenServiceRestarts_ShouldStillDescribeTheExecutionAndItsHistory()
    {
        string arn;
        IReadOnlyList<History.HistoryEvent> before;
        await using (var first = new StepFunctionsService(Engine(), new ExecutionJournal(_journalDir)))
        {
            var machine = first.CreateStateMachine("Counter", Definition);
            var execution = first.StartExecution(machine.Arn, "run-1", """{"n":41}""");
            await execution.Finished;
            arn = execution.ExecutionArn;
            before = first.GetExecutionHistory(arn);
        }

        await using var second = new StepFunctionsService(Engine(), new ExecutionJournal(_journalDir));

        var restored = second.DescribeExecution(arn);
        Assert.Equal(ExecutionStatus.Succeeded, restored.Status);
        Assert.Equal("""{"n":42}""", restored.Output);
        Assert.Equal("""{"n":41}""", restored.Input);
        Assert.NotNull(restored.StopDate);
        var after = second.GetExecutionHistory(arn);
        Assert.Equal(before.Select(e => e.ToJson().ToJsonString()), after.Select(e => e.ToJson().ToJsonString()));
        Assert.Single(second.ListStateMachines(), m => m.Name == "Counter");
        Assert.Single(second.ListExecutions(restored.StateMachineArn));
    }

    [Fact]
    public async Task Journal_WhenAnExecutionWasCutOffMidRunWithoutCheckpoints_ShouldRestoreItAsAbortedAndAppendTheReason()
    {
        string arn;
        await using (var first = new StepFunctionsService(new StatesEngine(new EngineOptions { WaitTimeScale = 1 }), new ExecutionJournal(_journalDir)))
        {
            var machine = first.CreateStateMachine("Sleeper", """{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}""");
            var execution = first.StartExecution(machine.Arn, "long", "{}");
            arn = execution.ExecutionArn;
            await WaitUntil(() => execution.Events.Any(e => e.Type == "WaitStateEntered"));
        }
        // A journal written before executions kept checkpoints: nothing can resume it.
        var file = Directory.GetFiles(_journalDir, "long.jsonl", SearchOption.AllDirectories).Single();
        File.Delete(CheckpointFile.PathFor(file));
        var lines = File.ReadAllLines(file);

        await using var second = new StepFunctionsService(Engine(), new ExecutionJournal(_journalDir));

        var restored = second.DescribeExecution(arn);
        Assert.Equal(ExecutionStatus.Aborted, restored.Status);
        Assert.Contains("stopped while the execution was running", restored.Cause, StringComparison.Ordinal);
        Assert.Equal(lines.Length + 1, File.ReadAllLines(file).Length);
        Assert.Equal("ExecutionAborted", second.GetExecutionHistory(arn)[^1].Type);
    }

    [Fact]
    public async Task StopExecution_WhenRunning_ShouldAbortWithTheGivenErrorAndCause()
    {
        await using var service = new StepFunctionsService(new StatesEngine(new EngineOptions { WaitTimeScale = 1 }));
        var machine = service.CreateStateMachine("Sleeper", """{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}""");
        var execution = service.StartExecution(machine.Arn);
        await WaitUntil(() => execution.Events.Any(e => e.Type == "WaitStateEntered"));

        await service.StopExecutionAsync(execution.ExecutionArn, "Operator.Stop", "redeploying");

        Assert.Equal(ExecutionStatus.Aborted, execution.Status);
        Assert.Equal(("Operator.Stop", "redeploying"), (execution.Error, execution.Cause));
        Assert.Single(service.ListExecutions(machine.Arn, ExecutionStatus.Aborted));
    }

    [Fact]
    public async Task CreateStateMachine_WhenDefinitionIsInvalid_ShouldRejectWithEveryProblem()
    {
        await using var service = new StepFunctionsService(Engine());

        var e = Assert.Throws<StepFunctionsException>(() => service.CreateStateMachine("Bad", """{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Gone"}}}"""));

        Assert.Equal("InvalidDefinition", e.Code);
        Assert.Contains("/States/A/Next: 'Gone' is not a state in this scope", e.Message, StringComparison.Ordinal);
        Assert.Empty(service.ListStateMachines());
    }

    [Fact]
    public async Task StartExecution_WhenNameIsTaken_ShouldRefuseAndKeepTheFirst()
    {
        await using var service = new StepFunctionsService(Engine());
        var machine = service.CreateStateMachine("Counter", Definition);
        var first = service.StartExecution(machine.Arn, "same", """{"n":1}""");
        await first.Finished;

        var e = Assert.Throws<StepFunctionsException>(() => service.StartExecution(machine.Arn, "same", """{"n":5}"""));

        Assert.Equal("ExecutionAlreadyExists", e.Code);
        Assert.Equal("""{"n":2}""", service.DescribeExecution(first.ExecutionArn).Output);
    }

    [Fact]
    public async Task StartExecution_WhenNameAndInputMatchARunningExecution_ShouldAnswerThatExecutionAndStartNothing()
    {
        await using var service = new StepFunctionsService(new StatesEngine(new EngineOptions { WaitTimeScale = 1 }));
        var machine = service.CreateStateMachine("Sleeper", """{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}""");
        var first = service.StartExecution(machine.Arn, "same", """{"n":1}""");

        var again = service.StartExecution(machine.Arn, "same", """{"n":1}""");
        var otherInput = Assert.Throws<StepFunctionsException>(() => service.StartExecution(machine.Arn, "same", """{"n":2}"""));
        await service.StopExecutionAsync(first.ExecutionArn);
        var closed = Assert.Throws<StepFunctionsException>(() => service.StartExecution(machine.Arn, "same", """{"n":1}"""));

        Assert.Same(first, again);
        Assert.Equal(first.StartDate, again.StartDate);
        Assert.Equal("ExecutionAlreadyExists", otherInput.Code);
        Assert.Equal("ExecutionAlreadyExists", closed.Code);
        Assert.Single(service.ListExecutions(machine.Arn));
    }

    [Theory]
    [InlineData("not json", "InvalidExecutionInput")]
    [InlineData("{}", "StateMachineDoesNotExist")]
    public async Task StartExecution_WhenRequestIsBad_ShouldNameTheProblem(string input, string code)
    {
        await using var service = new StepFunctionsService(Engine());
        var machine = service.CreateStateMachine("Counter", Definition);
        var arn = code == "StateMachineDoesNotExist" ? machine.Arn + "-missing" : machine.Arn;

        var e = Assert.Throws<StepFunctionsException>(() => service.StartExecution(arn, null, input));

        Assert.Equal(code, e.Code);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 10 s");
            await Task.Delay(20);
        }
    }
}
