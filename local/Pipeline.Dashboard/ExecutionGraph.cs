namespace Pipeline.Dashboard;

/// <summary>One state as the graph draws it: what happened to it in this execution.</summary>
/// <param name="Status">not-reached, running, succeeded, caught (failed, then its Catch went on) or failed.</param>
/// <param name="Parent">The Parallel or Map state whose branch holds it, null at the top level.</param>
public sealed record GraphNode(
    string Id, string Type, string? Parent, string Status, int Visits,
    DateTimeOffset? EnteredAt, DateTimeOffset? ExitedAt, string? Input, string? Output, string? Error, string? Cause, string? Comment);

/// <param name="Kind">next, choice, default, catch or branch.</param>
public sealed record GraphEdge(string From, string To, string Kind, string? Label, bool Taken);

public sealed record GraphView(IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges);

/// <summary>
/// The state machine as a graph (from its ASL definition: Next, Choice rules and Default, Catch,
/// Parallel branches and Map iterators), each state coloured by the execution's history the way the
/// Step Functions console does. Pure: the caller reads the definition and the events.
/// </summary>
public static class ExecutionGraph
{
    public const string StartNode = "Start";
    public const string EndNode = "End";

    public static GraphView Build(JsonObject definition, IReadOnlyList<JsonObject> events, string executionStatus)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(events);
        var nodes = new Dictionary<string, (string Type, string? Parent, string? Comment)>(StringComparer.Ordinal);
        var edges = new List<(string From, string To, string Kind, string? Label)>();
        AddScope(definition, null, null, nodes, edges);
        if (definition["StartAt"]?.GetValue<string>() is { } start)
        {
            edges.Insert(0, (StartNode, start, "next", null));
        }

        var runs = Replay(events);
        var ended = executionStatus is not "RUNNING";
        var graphNodes = new List<GraphNode>
        {
            Pseudo(StartNode, events.Count > 0 ? "succeeded" : "not-reached"),
        };
        foreach (var (name, (type, parent, comment)) in nodes)
        {
            var run = runs.GetValueOrDefault(name);
            graphNodes.Add(new GraphNode(name, type, parent, StatusOf(run, ended), run?.Visits ?? 0, run?.EnteredAt, run?.ExitedAt,
                run?.Input, run?.Output, run?.Error, run?.Cause, comment));
        }

        graphNodes.Add(Pseudo(EndNode, executionStatus switch
        {
            "SUCCEEDED" => "succeeded",
            "RUNNING" => "not-reached",
            _ => "failed",
        }));
        AttributeExecutionFailure(graphNodes, events);
        var status = graphNodes.ToDictionary(n => n.Id, n => n.Status, StringComparer.Ordinal);
        return new GraphView(graphNodes, edges.Select(e => new GraphEdge(e.From, e.To, e.Kind, e.Label,
            Reached(status.GetValueOrDefault(e.From, "not-reached")) && Reached(status.GetValueOrDefault(e.To, "not-reached"))
            && !(e.Kind == "catch" && status.GetValueOrDefault(e.From) != "caught"))).ToList());
    }

    private static bool Reached(string status) => status is not "not-reached";

    private static GraphNode Pseudo(string id, string status) =>
        new(id, id, null, status, 0, null, null, null, null, null, null, null);

    private static void AddScope(JsonObject scope, string? parent, string? after,
        Dictionary<string, (string, string?, string?)> nodes, List<(string, string, string, string?)> edges)
    {
        foreach (var (name, node) in scope["States"] as JsonObject ?? [])
        {
            if (node is not JsonObject state)
            {
                continue;
            }

            var type = state["Type"]?.GetValue<string>() ?? "Unknown";
            nodes[name] = (type, parent, state["Comment"]?.GetValue<string>());
            var next = state["Next"]?.GetValue<string>();
            if (next is not null)
            {
                edges.Add((name, next, "next", null));
            }
            else if (state["End"]?.GetValue<bool>() == true || type is "Succeed" or "Fail")
            {
                // The last state of a branch joins its Parallel/Map's successor; of the machine, the end.
                if (parent is null)
                {
                    edges.Add((name, EndNode, "next", null));
                }
                else if (after is not null && type is not "Fail")
                {
                    edges.Add((name, after, "next", null));
                }
            }

            foreach (var choice in (state["Choices"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (choice["Next"]?.GetValue<string>() is { } target)
                {
                    edges.Add((name, target, "choice", ChoiceLabel(choice)));
                }
            }

            if (state["Default"]?.GetValue<string>() is { } fallback)
            {
                edges.Add((name, fallback, "default", "Default"));
            }

            foreach (var handler in (state["Catch"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (handler["Next"]?.GetValue<string>() is { } target)
                {
                    edges.Add((name, target, "catch", string.Join(", ", (handler["ErrorEquals"] as JsonArray ?? []).Select(e => e?.ToString()))));
                }
            }

            var branches = (state["Branches"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            if ((state["ItemProcessor"] ?? state["Iterator"]) is JsonObject processor)
            {
                branches.Add(processor);
            }

            foreach (var branch in branches)
            {
                if (branch["StartAt"]?.GetValue<string>() is { } start)
                {
                    edges.Add((name, start, "branch", null));
                }

                AddScope(branch, name, next, nodes, edges);
            }
        }
    }

    /// <summary>A short reading of a Choice rule: the variable and comparison of a simple one, else its combinator.</summary>
    private static string ChoiceLabel(JsonObject rule)
    {
        if (rule["Variable"]?.GetValue<string>() is { } variable)
        {
            var (op, value) = rule.Where(p => p.Key is not ("Variable" or "Next" or "Comment")).Select(p => (p.Key, p.Value)).FirstOrDefault();
            var text = $"{variable} {op} {value?.ToJsonString()}";
            return text.Length > 60 ? text[..57] + "..." : text;
        }

        return rule["Comment"]?.GetValue<string>() ?? (rule.Select(p => p.Key).FirstOrDefault(k => k is "And" or "Or" or "Not") ?? "rule");
    }

    private sealed class StateRun
    {
        public int Visits { get; set; }
        public bool Open { get; set; }
        public bool LastAttemptFailed { get; set; }
        public DateTimeOffset? EnteredAt { get; set; }
        public DateTimeOffset? ExitedAt { get; set; }
        public string? Input { get; set; }
        public string? Output { get; set; }
        public string? Error { get; set; }
        public string? Cause { get; set; }
        public string? Outcome { get; set; }
    }

    /// <summary>Walks the history: entered/exited per state, and failures charged to the state that was running.</summary>
    private static Dictionary<string, StateRun> Replay(IReadOnlyList<JsonObject> events)
    {
        var runs = new Dictionary<string, StateRun>(StringComparer.Ordinal);
        var open = new List<string>();
        foreach (var e in events)
        {
            var type = e["type"]?.GetValue<string>() ?? "";
            var at = e["timestamp"] is JsonValue t ? DateTimeOffset.FromUnixTimeMilliseconds((long)(t.GetValue<double>() * 1000)) : (DateTimeOffset?)null;
            if (type.EndsWith("StateEntered", StringComparison.Ordinal) && e["stateEnteredEventDetails"] is JsonObject entered)
            {
                var name = entered["name"]!.GetValue<string>();
                var run = runs.TryGetValue(name, out var known) ? known : runs[name] = new StateRun();
                run.Visits++;
                run.Open = true;
                run.LastAttemptFailed = false;
                run.EnteredAt = at;
                run.ExitedAt = null;
                run.Input = entered["input"]?.GetValue<string>();
                run.Outcome = null;
                open.Add(name);
            }
            else if (type.EndsWith("StateExited", StringComparison.Ordinal) && e["stateExitedEventDetails"] is JsonObject exited)
            {
                var name = exited["name"]!.GetValue<string>();
                if (runs.TryGetValue(name, out var run))
                {
                    run.Open = false;
                    run.ExitedAt = at;
                    run.Output = exited["output"]?.GetValue<string>();
                    run.Outcome = run.LastAttemptFailed ? "caught" : "succeeded";
                }

                open.Remove(name);
            }
            else if (!type.StartsWith("Execution", StringComparison.Ordinal) && open.Count > 0 && Failure(e) is { } failure)
            {
                var run = runs[open[^1]];
                run.LastAttemptFailed = true;
                (run.Error, run.Cause) = failure;
            }
            else if (type.EndsWith("Succeeded", StringComparison.Ordinal) && open.Count > 0 && !type.StartsWith("Execution", StringComparison.Ordinal))
            {
                runs[open[^1]].LastAttemptFailed = false;
            }
        }

        return runs;
    }

    private static (string? Error, string? Cause)? Failure(JsonObject e)
    {
        var type = e["type"]?.GetValue<string>() ?? "";
        if (!(type.EndsWith("Failed", StringComparison.Ordinal) || type.EndsWith("TimedOut", StringComparison.Ordinal)))
        {
            return null;
        }

        var details = e.Where(p => p.Key.EndsWith("EventDetails", StringComparison.Ordinal)).Select(p => p.Value).OfType<JsonObject>().FirstOrDefault();
        return (details?["error"]?.GetValue<string>(), details?["cause"]?.GetValue<string>());
    }

    private static string StatusOf(StateRun? run, bool executionEnded) => run switch
    {
        null => "not-reached",
        { Open: true } => executionEnded ? "failed" : "running",
        { Outcome: { } outcome } => outcome,
        _ => "succeeded",
    };

    /// <summary>A state left open when the execution failed gets the execution's error and cause if it recorded none (a Fail state).</summary>
    private static void AttributeExecutionFailure(List<GraphNode> nodes, IReadOnlyList<JsonObject> events)
    {
        var failed = events.LastOrDefault(e => e["type"]?.GetValue<string>() is "ExecutionFailed" or "ExecutionTimedOut" or "ExecutionAborted");
        if (failed is null || Failure(failed) is not { } failure)
        {
            return;
        }

        for (var i = 0; i < nodes.Count; i++)
        {
            if (nodes[i] is { Status: "failed", Error: null } node && node.Id != EndNode)
            {
                nodes[i] = node with { Error = failure.Error, Cause = failure.Cause };
            }
        }
    }
}
