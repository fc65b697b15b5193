using System.Collections.Concurrent;
using Pipeline.States.Service;

namespace Pipeline.States.Tests;

/// <summary>
/// A host that stops (SIGKILL: the journal as it was at that instant; Ctrl-C/SIGTERM: the service disposed)
/// with an execution RUNNING, and the next service on the same journal resuming it.
/// </summary>
public sealed class ResumeTests : IDisposable
{
    private readonly string _journal = Directory.CreateTempSubdirectory("states-resume-").FullName;
    private readonly string _afterKill = Directory.CreateTempSubdirectory("states-resume-killed-").FullName;

    private const string Lambda = "arn:aws:states:::lambda:invoke";
    private const string LambdaRetry = """[{"ErrorEquals":["Lambda.ServiceException","Lambda.SdkClientException"],"IntervalSeconds":1,"MaxAttempts":2}]""";

    public void Dispose()
    {
        Directory.Delete(_journal, recursive: true);
        Directory.Delete(_afterKill, recursive: true);
    }

    [Fact]
    public async Task Resume_WhenKilledWithATaskInFlight_ShouldNotRunCompletedStatesAgainAndRetryTheTaskAsLambdaServiceException()
    {
        var definition = Def("""
            {"StartAt":"Tag","States":{
              "Tag":{"Type":"Task","Resource":"LAMBDA","ResultPath":"$.tag","Retry":RETRY,"Next":"Launch"},
              "Launch":{"Type":"Task","Resource":"LAMBDA","ResultPath":"$.launch","Retry":RETRY,"Next":"Done"},
              "Done":{"Type":"Succeed"}}}
            """);
        var calls = new Calls { BlockOnCall = ("Launch", 1) };
        var arn = await KillWhileAsync(definition, calls, () => calls.Blocked.Task);

        await using var second = Service(_afterKill, calls);
        var resumed = Assert.Single(second.ResumeInterrupted());
        await resumed.Finished.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExecutionStatus.Succeeded, resumed.Status);
        Assert.Equal(1, calls.Count("Tag"));
        Assert.Equal(2, calls.Count("Launch"));
        Assert.Equal("""{"tag":"Tag#1","launch":"Launch#2"}""", resumed.Output);
        var history = second.GetExecutionHistory(arn);
        Assert.Equal(Enumerable.Range(1, history.Count).Select(i => (long)i), history.Select(e => e.Id));
        Assert.Single(history, e => e.Type == "ExecutionResumed");
        var failed = Assert.Single(history, e => e.Type == "TaskFailed");
        Assert.Equal("Lambda.ServiceException", failed.Details!["error"]!.GetValue<string>());
        Assert.Single(history, e => e.Type == "TaskStateEntered" && e.Details!["name"]!.GetValue<string>() == "Launch");
        Assert.Equal(3, history.Count(e => e.Type == "TaskScheduled")); // Tag once, Launch before the kill and after
    }

    [Fact]
    public async Task Resume_WhenTheInFlightTaskHasSpentItsRetries_ShouldTakeItsCatch()
    {
        var definition = Def("""
            {"StartAt":"Launch","States":{
              "Launch":{"Type":"Task","Resource":"LAMBDA","Retry":[{"ErrorEquals":["Lambda.ServiceException"],"IntervalSeconds":1,"MaxAttempts":1}],
                        "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"RolledBack"}],"Next":"Done"},
              "Done":{"Type":"Succeed"},
              "RolledBack":{"Type":"Pass","Result":"rolled back","End":true}}}
            """);
        var calls = new Calls { FailOnCall = ("Launch", 1), BlockOnCall = ("Launch", 2) };
        await KillWhileAsync(definition, calls, () => calls.Blocked.Task);

        await using var second = Service(_afterKill, calls);
        var resumed = Assert.Single(second.ResumeInterrupted());
        await resumed.Finished.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExecutionStatus.Succeeded, resumed.Status);
        Assert.Equal("\"rolled back\"", resumed.Output);
        Assert.Equal(2, calls.Count("Launch"));
    }

    [Fact]
    public async Task Resume_WhenKilledInAMap_ShouldRunOnlyTheIterationsThatHadNotFinished()
    {
        var definition = Def("""
            {"StartAt":"Targets","States":{"Targets":{"Type":"Map","ItemsPath":"$.items","End":true,
              "ItemProcessor":{"StartAt":"Register","States":{"Register":{"Type":"Task","Resource":"LAMBDA","Retry":RETRY,"End":true}}}}}}
            """);
        var calls = new Calls { BlockOnInput = "c" };
        await KillWhileAsync(definition, calls, () => calls.Blocked.Task, """{"items":["a","b","c"]}""", () => calls.Count("Register") == 3);

        await using var second = Service(_afterKill, calls);
        var resumed = Assert.Single(second.ResumeInterrupted());
        await resumed.Finished.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExecutionStatus.Succeeded, resumed.Status);
        Assert.Equal("""["a#1","b#1","c#2"]""", Sorted(resumed.Output));
        Assert.Equal(4, calls.Count("Register"));
        Assert.Equal(["a", "b", "c", "c"], calls.Inputs("Register").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Resume_WhenKilledDuringAWait_ShouldKeepTheOriginalDeadline()
    {
        const string definition = """{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":4,"End":true}}}""";
        var calls = new Calls();
        var arn = await KillWhileAsync(definition, calls, () => Task.CompletedTask, until: null, waitForState: "WaitStateEntered");
        await Task.Delay(TimeSpan.FromSeconds(5)); // the host stays down past the wait's deadline

        await using var second = Service(_afterKill, calls);
        var resumed = Assert.Single(second.ResumeInterrupted());
        await resumed.Finished.WaitAsync(TimeSpan.FromSeconds(30));

        var history = second.GetExecutionHistory(arn);
        DateTimeOffset At(string type) => history.Single(e => e.Type == type).Timestamp;
        Assert.Equal(ExecutionStatus.Succeeded, resumed.Status);
        Assert.True(At("WaitStateExited") - At("WaitStateEntered") >= TimeSpan.FromSeconds(4), "the wait ended before its deadline");
        // Measured from the resume, not from the wait's start: how long the hosts took to stop and start
        // on a busy machine is not the wait's doing. A fresh 4 s wait would end 4 s or more after it.
        Assert.InRange(At("WaitStateExited") - At("ExecutionResumed"), TimeSpan.Zero, TimeSpan.FromSeconds(3.9));
    }

    [Fact]
    public async Task Dispose_WhenTheHostStopsGracefully_ShouldLeaveTheExecutionRunningForTheNextServiceToFinish()
    {
        var definition = Def("""
            {"StartAt":"Tag","States":{
              "Tag":{"Type":"Task","Resource":"LAMBDA","Retry":RETRY,"Next":"Launch"},
              "Launch":{"Type":"Task","Resource":"LAMBDA","Retry":RETRY,"End":true}}}
            """);
        var calls = new Calls { BlockOnCall = ("Launch", 1) };
        string arn;
        await using (var first = Service(_journal, calls))
        {
            var machine = first.CreateStateMachine("Deploy", definition);
            arn = first.StartExecution(machine.Arn, "run-1", "{}").ExecutionArn;
            await calls.Blocked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        await using var second = Service(_journal, calls);
        Assert.Equal(ExecutionStatus.Running, second.DescribeExecution(arn).Status);
        Assert.DoesNotContain(second.GetExecutionHistory(arn), e => e.Type is "ExecutionAborted" or "TaskFailed");
        var resumed = Assert.Single(second.ResumeInterrupted());
        await resumed.Finished.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExecutionStatus.Succeeded, resumed.Status);
        Assert.Equal((1, 2), (calls.Count("Tag"), calls.Count("Launch")));
    }

    [Fact]
    public async Task StopExecution_WhenAskedWhileRunning_ShouldStillAbortAndNeverResume()
    {
        var calls = new Calls { BlockOnCall = ("Launch", 1) };
        await using (var first = Service(_journal, calls))
        {
            var machine = first.CreateStateMachine("Deploy", Def("""{"StartAt":"Launch","States":{"Launch":{"Type":"Task","Resource":"LAMBDA","End":true}}}"""));
            var execution = first.StartExecution(machine.Arn, "run-1", "{}");
            await calls.Blocked.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await first.StopExecutionAsync(execution.ExecutionArn, "Operator.Stop", "by hand");
        }

        await using var second = Service(_journal, calls);

        Assert.Empty(second.ResumeInterrupted());
        Assert.Equal(1, calls.Count("Launch"));
    }

    /// <summary>Runs until <paramref name="killPoint"/>, then copies the journal as a SIGKILL would leave it (every line is flushed as written).</summary>
    private async Task<string> KillWhileAsync(string definition, Calls calls, Func<Task> killPoint, string input = "{}", Func<bool>? until = null, string? waitForState = null)
    {
        await using var first = Service(_journal, calls, waitScale: 1);
        var machine = first.CreateStateMachine("Deploy", definition);
        var execution = first.StartExecution(machine.Arn, "run-1", input);
        await killPoint().WaitAsync(TimeSpan.FromSeconds(30));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((until is not null && !until()) || (waitForState is not null && execution.Events.All(e => e.Type != waitForState)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the kill point was not reached within 30 s");
            await Task.Delay(20);
        }
        await Task.Delay(100); // lines the run writes after the point (other Map iterations finishing)
        foreach (var file in Directory.GetFiles(_journal, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(_afterKill, Path.GetRelativePath(_journal, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        return execution.ExecutionArn;
    }

    private static string Def(string json) =>
        json.Replace("LAMBDA", Lambda, StringComparison.Ordinal).Replace("RETRY", LambdaRetry, StringComparison.Ordinal);

    private static StepFunctionsService Service(string journal, Calls calls, double waitScale = 0) =>
        new(new StatesEngine(new EngineOptions { WaitTimeScale = waitScale, Integrations = new TaskIntegrationRegistry().Register("**", calls) }),
            new ExecutionJournal(journal));

    private static string Sorted(string? output) =>
        new JsonArray([.. JsonNode.Parse(output!)!.AsArray().Select(n => n!.GetValue<string>()).Order(StringComparer.Ordinal).Select(s => (JsonNode)s!)]).ToJsonString();

    /// <summary>Answers "STATE#N" for the Nth call of a state ("INPUT#N" for a string input); can fail or hang (until cancelled) on a chosen call.</summary>
    private sealed class Calls : ITaskIntegration
    {
        private readonly ConcurrentQueue<(string State, string Input)> _calls = new();

        public (string State, int Call)? BlockOnCall { get; init; }

        public (string State, int Call)? FailOnCall { get; init; }

        public string? BlockOnInput { get; init; }

        public TaskCompletionSource Blocked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count(string state) => _calls.Count(c => c.State == state);

        public IEnumerable<string> Inputs(string state) => _calls.Where(c => c.State == state).Select(c => c.Input);

        public async Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
        {
            var input = invocation.Input is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
            int n;
            int ofInput;
            lock (_calls)
            {
                _calls.Enqueue((invocation.StateName, input));
                n = Count(invocation.StateName);
                ofInput = _calls.Count(c => c.Input == input);
            }
            if (FailOnCall == (invocation.StateName, n))
            {
                throw new StatesException("Lambda.ServiceException", "the service failed");
            }
            if (BlockOnCall == (invocation.StateName, n) || (BlockOnInput == input && !Blocked.Task.IsCompleted))
            {
                Blocked.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            return input.Length > 0 ? $"{input}#{ofInput}" : $"{invocation.StateName}#{n}";
        }
    }
}
