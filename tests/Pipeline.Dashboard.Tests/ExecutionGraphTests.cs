using System.Text.Json.Nodes;
using Pipeline.Dashboard;

namespace Pipeline.Dashboard.Tests;

public class ExecutionGraphTests
{
    private static readonly JsonObject Definition = (JsonObject)JsonNode.Parse("""
        {
          "StartAt": "Check",
          "States": {
            "Check": { "Type": "Choice", "Choices": [ { "Variable": "$.go", "BooleanEquals": true, "Next": "Work" } ], "Default": "Skip" },
            "Skip": { "Type": "Succeed" },
            "Work": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Fan",
                      "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "Broke" } ] },
            "Fan": { "Type": "Parallel", "End": true, "Branches": [ { "StartAt": "Inner", "States": { "Inner": { "Type": "Pass", "End": true } } } ] },
            "Broke": { "Type": "Fail", "Error": "Pipeline.Broke", "Cause": "work failed" }
          }
        }
        """)!;

    private static JsonObject Event(int id, string type, double at, string? detailsKey = null, JsonObject? details = null)
    {
        var e = new JsonObject { ["id"] = id, ["previousEventId"] = id - 1, ["timestamp"] = at, ["type"] = type };
        if (detailsKey is not null)
        {
            e[detailsKey] = details;
        }

        return e;
    }

    private static JsonObject Entered(int id, string type, string name, double at) =>
        Event(id, type + "StateEntered", at, "stateEnteredEventDetails", new JsonObject { ["name"] = name, ["input"] = "{\"go\":true}" });

    private static JsonObject Exited(int id, string type, string name, double at) =>
        Event(id, type + "StateExited", at, "stateExitedEventDetails", new JsonObject { ["name"] = name, ["output"] = "{\"done\":1}" });

    [Fact]
    public void Build_WhenDefinitionHasChoiceCatchAndParallel_ShouldDrawEveryKindOfEdge()
    {
        var graph = ExecutionGraph.Build(Definition, [], "RUNNING");

        Assert.Equal(["Start", "Check", "Skip", "Work", "Fan", "Inner", "Broke", "End"], graph.Nodes.Select(n => n.Id));
        Assert.Contains(graph.Edges, e => e is { From: "Check", To: "Work", Kind: "choice", Label: "$.go BooleanEquals true" });
        Assert.Contains(graph.Edges, e => e is { From: "Check", To: "Skip", Kind: "default" });
        Assert.Contains(graph.Edges, e => e is { From: "Work", To: "Broke", Kind: "catch", Label: "States.ALL" });
        Assert.Contains(graph.Edges, e => e is { From: "Fan", To: "Inner", Kind: "branch" });
        Assert.Contains(graph.Edges, e => e is { From: "Fan", To: "End" });
        Assert.Equal("Fan", graph.Nodes.Single(n => n.Id == "Inner").Parent);
        Assert.All(graph.Nodes.Where(n => n.Id != "Start"), n => Assert.Equal("not-reached", n.Status));
    }

    [Fact]
    public void Build_WhenATaskIsStillRunning_ShouldColourItRunningAndThePathBeforeItSucceeded()
    {
        var graph = ExecutionGraph.Build(Definition,
            [Event(1, "ExecutionStarted", 100), Entered(2, "Choice", "Check", 100), Exited(3, "Choice", "Check", 100.5), Entered(4, "Task", "Work", 101)],
            "RUNNING");

        var check = graph.Nodes.Single(n => n.Id == "Check");
        Assert.Equal("succeeded", check.Status);
        Assert.Equal(0.5, (check.ExitedAt - check.EnteredAt)!.Value.TotalSeconds, 3);
        Assert.Equal("{\"done\":1}", check.Output);
        Assert.Equal("running", graph.Nodes.Single(n => n.Id == "Work").Status);
        Assert.Equal("not-reached", graph.Nodes.Single(n => n.Id == "Skip").Status);
        Assert.True(graph.Edges.Single(e => e.From == "Check" && e.To == "Work").Taken);
        Assert.False(graph.Edges.Single(e => e.From == "Check" && e.To == "Skip").Taken);
    }

    [Fact]
    public void Build_WhenATaskFailsAndItsCatchLeadsToAFailState_ShouldShowCaughtThenFailedWithErrorAndCause()
    {
        var graph = ExecutionGraph.Build(Definition,
            [
                Event(1, "ExecutionStarted", 100), Entered(2, "Choice", "Check", 100), Exited(3, "Choice", "Check", 100),
                Entered(4, "Task", "Work", 101),
                Event(5, "TaskFailed", 102, "taskFailedEventDetails", new JsonObject { ["error"] = "Pipeline.TargetsUnhealthy", ["cause"] = "2 of 2 targets unhealthy" }),
                Exited(6, "Task", "Work", 102), Entered(7, "Fail", "Broke", 102),
                Event(8, "ExecutionFailed", 102, "executionFailedEventDetails", new JsonObject { ["error"] = "Pipeline.Broke", ["cause"] = "work failed" }),
            ],
            "FAILED");

        var work = graph.Nodes.Single(n => n.Id == "Work");
        Assert.Equal("caught", work.Status);
        Assert.Equal(("Pipeline.TargetsUnhealthy", "2 of 2 targets unhealthy"), (work.Error, work.Cause));
        var broke = graph.Nodes.Single(n => n.Id == "Broke");
        Assert.Equal("failed", broke.Status);
        Assert.Equal(("Pipeline.Broke", "work failed"), (broke.Error, broke.Cause));
        Assert.True(graph.Edges.Single(e => e.Kind == "catch").Taken);
        Assert.Equal("failed", graph.Nodes.Single(n => n.Id == "End").Status);
    }

    [Fact]
    public void Build_WhenARetrySucceedsAfterAFailure_ShouldShowTheStateSucceeded()
    {
        var graph = ExecutionGraph.Build(Definition,
            [
                Entered(1, "Task", "Work", 101),
                Event(2, "TaskFailed", 102, "taskFailedEventDetails", new JsonObject { ["error"] = "Lambda.ServiceException", ["cause"] = "flaky" }),
                Event(3, "TaskSucceeded", 103, "taskSucceededEventDetails", []),
                Exited(4, "Task", "Work", 103),
            ],
            "RUNNING");

        Assert.Equal("succeeded", graph.Nodes.Single(n => n.Id == "Work").Status);
        Assert.False(graph.Edges.Single(e => e.Kind == "catch").Taken);
    }

    [Fact]
    public void Build_WhenGivenThePipelinesDeployMachine_ShouldKeepEveryStateAndOnlyEdgesBetweenKnownStates()
    {
        var definition = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Definitions", "deploy-service.asl.json")))!;

        var graph = ExecutionGraph.Build(definition, [], "RUNNING");

        var ids = graph.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("NormalizeTrigger", ids);
        Assert.Contains("PublishRoutes", ids);
        Assert.All(graph.Edges, e => Assert.True(ids.Contains(e.From) && ids.Contains(e.To), $"{e.From} -> {e.To}"));
        Assert.Contains(graph.Edges, e => e.Kind == "catch");
        Assert.Contains(graph.Edges, e => e.Kind == "choice");
    }
}
