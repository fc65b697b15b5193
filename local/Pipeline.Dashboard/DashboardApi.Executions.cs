using System.Text.Json;
using Pipeline.Aws.StepFunctions;

namespace Pipeline.Dashboard;

/// <summary>Executions: the list (status, service, trigger, start, duration) and one execution's graph.</summary>
internal sealed partial class DashboardApi
{
    private async Task<JsonNode> ExecutionsAsync(CancellationToken cancel) =>
        new JsonObject { ["executions"] = new JsonArray([.. (await ListExecutionsAsync(cancel)).Select(e => (JsonNode)e.DeepClone())]) };

    /// <summary>Every execution of every state machine, newest first, each with the service and trigger its input names.</summary>
    internal async Task<List<JsonObject>> ListExecutionsAsync(CancellationToken cancel)
    {
        var summaries = new List<JsonObject>();
        foreach (var machine in await sources.StepFunctions.ListStateMachinesAsync(cancel))
        {
            var machineName = machine["name"]?.GetValue<string>();
            foreach (var e in await sources.StepFunctions.ListExecutionsAsync(machine["stateMachineArn"]!.GetValue<string>(), cancel))
            {
                e["stateMachine"] = machineName;
                summaries.Add(e);
            }
        }

        var rows = new JsonObject[summaries.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, summaries.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancel },
            async (i, c) => rows[i] = Row(summaries[i], await DescribeAsync(summaries[i], c)));
        return [.. rows.OrderByDescending(r => r["startDate"]?.GetValue<double>() ?? 0)];
    }

    /// <summary>An ended execution's description never changes: it is read once.</summary>
    private async Task<JsonObject> DescribeAsync(JsonObject summary, CancellationToken cancel)
    {
        var arn = summary["executionArn"]!.GetValue<string>();
        if (_ended.TryGetValue(arn, out var known))
        {
            return known;
        }

        var described = await sources.StepFunctions.DescribeExecutionAsync(arn, cancel);
        if (described["status"]?.GetValue<string>() is not "RUNNING")
        {
            _ended[arn] = described;
        }

        return described;
    }

    private static JsonObject Row(JsonObject summary, JsonObject described)
    {
        var (service, trigger) = TriggerOf(described["input"]?.GetValue<string>());
        var start = described["startDate"]?.GetValue<double>();
        var stop = described["stopDate"]?.GetValue<double>();
        return new JsonObject
        {
            ["executionArn"] = described["executionArn"]?.DeepClone(),
            ["name"] = described["name"]?.DeepClone(),
            ["stateMachine"] = summary["stateMachine"]?.DeepClone(),
            ["status"] = described["status"]?.DeepClone(),
            ["service"] = service,
            ["trigger"] = trigger,
            ["startDate"] = start,
            ["stopDate"] = stop,
            ["durationSeconds"] = stop - start,
            ["error"] = described["error"]?.DeepClone(),
        };
    }

    /// <summary>The service and what started the run, from the input NormalizeTrigger reads (a push event or a manual request).</summary>
    internal static (string? Service, string Trigger) TriggerOf(string? input)
    {
        JsonObject? o;
        try
        {
            o = input is null ? null : JsonNode.Parse(input) as JsonObject;
        }
        catch (JsonException)
        {
            o = null;
        }

        if (o is null)
        {
            return (null, "unknown");
        }

        var detail = o["detail"] as JsonObject;
        return (o["source"]?.ToString()) switch
        {
            "aws.codecommit" => (detail?["repositoryName"]?.ToString(), "push (CodeCommit)"),
            "github.com" => ((detail?["repository"] as JsonObject)?["name"]?.ToString(), "push (GitHub)"),
            _ when o["service"] is { } service => (service.ToString(), o["version"] is { } v ? $"manual: version {v}" : "manual"),
            _ => (null, o["source"]?.ToString() ?? "unknown"),
        };
    }

    private async Task<JsonNode> ExecutionAsync(string arn, CancellationToken cancel)
    {
        if (string.IsNullOrEmpty(arn))
        {
            throw new DashboardRequestException("arn: the execution ARN is required");
        }

        JsonObject described;
        try
        {
            described = await sources.StepFunctions.DescribeExecutionAsync(arn, cancel);
        }
        catch (StepFunctionsClientException e)
        {
            throw new DashboardRequestException($"{e.Message}", 404);
        }

        var machine = await sources.StepFunctions.DescribeStateMachineAsync(described["stateMachineArn"]!.GetValue<string>(), cancel);
        var definition = JsonNode.Parse(machine["definition"]!.GetValue<string>()) as JsonObject ?? [];
        var events = await sources.StepFunctions.GetExecutionHistoryAsync(arn, cancel);
        var status = described["status"]!.GetValue<string>();
        var graph = ExecutionGraph.Build(definition, events, status);
        var (service, trigger) = TriggerOf(described["input"]?.GetValue<string>());
        described["service"] = service;
        described["trigger"] = trigger;
        described["stateMachine"] = machine["name"]?.DeepClone();
        return new JsonObject
        {
            ["execution"] = described,
            ["graph"] = JsonSerializer.SerializeToNode(graph, DashboardJson.Default.GraphView),
        };
    }
}
