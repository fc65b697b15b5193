namespace Pipeline.States.Tests;

public sealed class HistoryTests
{
    [Fact]
    public async Task Run_WhenPassChoiceSucceed_ShouldRecordStepFunctionsEventsWithChainedIds()
    {
        const string definition = """
            {"StartAt":"P","States":{"P":{"Type":"Pass","Next":"C"},
              "C":{"Type":"Choice","Choices":[{"Variable":"$.go","BooleanEquals":true,"Next":"S"}]},"S":{"Type":"Succeed"}}}
            """;

        var (result, events) = await Run.Async(definition, """{"go":true}""");

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal(
            ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ChoiceStateEntered", "ChoiceStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"],
            events.Select(e => e.Type));
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Id));
        Assert.Equal(0, events[0].PreviousEventId);
        Assert.All(events.Skip(1), e => Assert.Equal(e.Id - 1, e.PreviousEventId));
        Assert.All(events.Zip(events.Skip(1)), pair => Assert.True(pair.First.Timestamp <= pair.Second.Timestamp));
        Assert.Equal("P", events[1].Details!["name"]!.GetValue<string>());
        Assert.Equal("""{"go":true}""", events[1].Details!["input"]!.GetValue<string>());
        Assert.Equal("""{"go":true}""", events[^1].Details!["output"]!.GetValue<string>());
        Assert.Equal("stateEnteredEventDetails", events[1].DetailsKey);
        Assert.Equal("executionSucceededEventDetails", events[^1].DetailsKey);
    }

    [Fact]
    public async Task Run_WhenMapRuns_ShouldRecordIterationsPointingBackToMapStateStarted()
    {
        const string definition = """
            {"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}}}
            """;

        var (_, events) = await Run.Async(definition, "[1,2]");

        var started = events.Single(e => e.Type == "MapStateStarted");
        Assert.Equal(2, started.Details!["length"]!.GetValue<int>());
        var iterations = events.Where(e => e.Type == "MapIterationStarted").ToList();
        Assert.Equal(2, iterations.Count);
        Assert.All(iterations, i => Assert.Equal(started.Id, i.PreviousEventId));
        Assert.Equal([0, 1], iterations.Select(i => i.Details!["index"]!.GetValue<int>()).Order());
        Assert.Equal(2, events.Count(e => e.Type == "MapIterationSucceeded"));
        var firstPass = events.First(e => e.Type == "PassStateEntered");
        Assert.Contains(firstPass.PreviousEventId, iterations.Select(i => i.Id));
        Assert.Equal(
            ["MapStateEntered", "MapStateStarted"],
            events.Where(e => e.Type.StartsWith("MapState", StringComparison.Ordinal)).Select(e => e.Type).Take(2));
        Assert.Equal("MapStateExited", events[^2].Type);
        Assert.Equal("MapStateSucceeded", events[^3].Type);
    }

    [Fact]
    public async Task Run_WhenParallelBranchFails_ShouldRecordParallelStateFailedAndExecutionFailed()
    {
        const string definition = """
            {"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
              {"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},
              {"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Broken","Cause":"on purpose"}}}]}}}
            """;

        var (result, events) = await Run.Async(definition, "{}");

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Contains(events, e => e.Type == "ParallelStateStarted");
        Assert.Contains(events, e => e.Type == "FailStateEntered");
        var parallelFailed = events.Single(e => e.Type == "ParallelStateFailed");
        Assert.Equal("Broken", parallelFailed.Details!["error"]!.GetValue<string>());
        var failed = events[^1];
        Assert.Equal("ExecutionFailed", failed.Type);
        Assert.Equal("Broken", failed.Details!["error"]!.GetValue<string>());
        Assert.Equal("on purpose", failed.Details!["cause"]!.GetValue<string>());
        Assert.DoesNotContain(events, e => e.Type == "ParallelStateExited");
    }

    [Fact]
    public async Task Run_WhenWaitStateRuns_ShouldRecordWaitEvents()
    {
        var (_, events) = await Run.Async("""{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":5,"End":true}}}""", "{}");

        Assert.Equal(["ExecutionStarted", "WaitStateEntered", "WaitStateExited", "ExecutionSucceeded"], events.Select(e => e.Type));
    }

    [Fact]
    public void HistoryEvent_WhenRoundTrippedThroughJson_ShouldKeepEverything()
    {
        var e = new History.HistoryEvent(3, 2, DateTimeOffset.FromUnixTimeMilliseconds(1_767_225_600_123), "TaskFailed", "taskFailedEventDetails",
            new System.Text.Json.Nodes.JsonObject { ["error"] = "E", ["cause"] = "C" });

        var back = History.HistoryEvent.FromJson(e.ToJson());

        Assert.Equal((e.Id, e.PreviousEventId, e.Timestamp, e.Type, e.DetailsKey), (back.Id, back.PreviousEventId, back.Timestamp, back.Type, back.DetailsKey));
        Assert.Equal(e.Details!.ToJsonString(), back.Details!.ToJsonString());
        Assert.Equal(1_767_225_600.123, e.ToJson()["timestamp"]!.GetValue<double>(), 3);
    }
}
