namespace Pipeline.States.Definition;

/// <summary>Parses and validates an Amazon States Language definition (JSONPath query language).</summary>
public static partial class DefinitionParser
{
    private const int MaxStateNameLength = 80;
    private static readonly string[] WaitFields = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"];
    private static readonly string[] DistributedMapFields = ["ItemReader", "ItemBatcher", "ResultWriter", "Label"];

    private static readonly HashSet<string> Flow = ["Type", "Comment", "QueryLanguage", "InputPath", "OutputPath", "Next", "End"];
    private static readonly HashSet<string> Action = ["Parameters", "ResultSelector", "ResultPath", "Retry", "Catch"];

    private static readonly Dictionary<string, HashSet<string>> AllowedFields = new()
    {
        ["Pass"] = [.. Flow, "Result", "ResultPath", "Parameters"],
        ["Task"] = [.. Flow, .. Action, "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials"],
        ["Choice"] = ["Type", "Comment", "QueryLanguage", "InputPath", "OutputPath", "Choices", "Default"],
        ["Wait"] = [.. Flow, "Seconds", "Timestamp", "SecondsPath", "TimestampPath"],
        ["Succeed"] = ["Type", "Comment", "QueryLanguage", "InputPath", "OutputPath"],
        ["Fail"] = ["Type", "Comment", "QueryLanguage", "Error", "ErrorPath", "Cause", "CausePath"],
        ["Parallel"] = [.. Flow, .. Action, "Branches"],
        ["Map"] = [.. Flow, .. Action, "ItemProcessor", "Iterator", "ItemsPath", "ItemSelector", "MaxConcurrency", "MaxConcurrencyPath",
            "ToleratedFailureCount", "ToleratedFailureCountPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath",
            "ItemReader", "ItemBatcher", "ResultWriter", "Label"],
    };

    /// <summary>Parses the JSON text of a definition; throws <see cref="InvalidDefinitionException"/> listing every problem.</summary>
    public static StateMachineDefinition Parse(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonValues.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDefinitionException([new DefinitionProblem("", $"the definition is not valid JSON: {e.Message}")]);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDefinitionException([new DefinitionProblem("", $"the definition is not valid JSON: {e.Message}")]);
        }
        return Parse(root);
    }

    public static StateMachineDefinition Parse(JsonNode? root)
    {
        var problems = new List<DefinitionProblem>();
        if (root is not JsonObject o)
        {
            throw new InvalidDefinitionException([new DefinitionProblem("", "the definition must be a JSON object")]);
        }
        var reader = new Reader(problems);
        var definition = reader.ParseScope(o, "", topLevel: true);
        if (problems.Count > 0)
        {
            throw new InvalidDefinitionException(problems);
        }
        return definition! with { UsesContextObject = o.ToJsonString().Contains("$$", StringComparison.Ordinal) };
    }

    private sealed partial class Reader(List<DefinitionProblem> problems)
    {
        public StateMachineDefinition? ParseScope(JsonObject o, string at, bool topLevel)
        {
            var allowed = topLevel
                ? new HashSet<string> { "StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage" }
                : new HashSet<string> { "StartAt", "States", "Comment", "ProcessorConfig", "QueryLanguage" };
            foreach (var (key, _) in o)
            {
                if (!allowed.Contains(key))
                {
                    Problem(at + "/" + key, $"field '{key}' is not supported {(topLevel ? "at the top level of a state machine" : "in a branch or item processor")}");
                }
            }
            CheckQueryLanguage(o, at);
            var startAt = String(o, "StartAt", at, required: true);
            int? timeout = null;
            if (topLevel && o.ContainsKey("TimeoutSeconds"))
            {
                timeout = Integer(o, "TimeoutSeconds", at, min: 1);
            }
            var states = new Dictionary<string, StateDefinition>(StringComparer.Ordinal);
            if (o["States"] is not JsonObject statesObject)
            {
                Problem(at + "/States", "'States' is required and must be an object");
                return null;
            }
            if (statesObject.Count == 0)
            {
                Problem(at + "/States", "'States' must contain at least one state");
            }
            foreach (var (name, value) in statesObject)
            {
                var stateAt = $"{at}/States/{name}";
                if (name.Length == 0 || name.Length > MaxStateNameLength)
                {
                    Problem(stateAt, $"a state name must be 1 to {MaxStateNameLength} characters long");
                }
                if (value is not JsonObject stateObject)
                {
                    Problem(stateAt, "a state must be a JSON object");
                    continue;
                }
                var state = ParseState(name, stateObject, stateAt);
                if (state is not null)
                {
                    states[name] = state;
                }
            }
            if (startAt is not null && !statesObject.ContainsKey(startAt))
            {
                Problem(at + "/StartAt", $"'{startAt}' is not a state in this scope");
            }
            CheckTransitions(statesObject, states, startAt, at);
            return startAt is null ? null : new StateMachineDefinition(startAt, states, timeout, o["Comment"]?.ToString());
        }

        private void CheckTransitions(JsonObject statesObject, Dictionary<string, StateDefinition> states, string? startAt, string at)
        {
            foreach (var state in states.Values)
            {
                foreach (var (target, field) in Targets(state))
                {
                    if (!statesObject.ContainsKey(target))
                    {
                        Problem($"{at}/States/{state.Name}/{field}", $"'{target}' is not a state in this scope");
                    }
                }
            }
            if (startAt is null || !states.ContainsKey(startAt) || states.Count != statesObject.Count)
            {
                return;
            }
            var reached = new HashSet<string> { startAt };
            var queue = new Queue<string>([startAt]);
            while (queue.Count > 0)
            {
                foreach (var (target, _) in Targets(states[queue.Dequeue()]))
                {
                    if (states.ContainsKey(target) && reached.Add(target))
                    {
                        queue.Enqueue(target);
                    }
                }
            }
            foreach (var name in states.Keys.Where(n => !reached.Contains(n)))
            {
                Problem($"{at}/States/{name}", $"state '{name}' is not reachable from StartAt");
            }
        }

        private static IEnumerable<(string Target, string Field)> Targets(StateDefinition state)
        {
            if (state.Next is not null)
            {
                yield return (state.Next, "Next");
            }
            if (state is ChoiceStateDefinition choice)
            {
                for (var i = 0; i < choice.Choices.Count; i++)
                {
                    yield return (choice.Choices[i].Next, $"Choices/{i}/Next");
                }
                if (choice.Default is not null)
                {
                    yield return (choice.Default, "Default");
                }
            }
            if (state is ActionStateDefinition action)
            {
                for (var i = 0; i < action.Catch.Count; i++)
                {
                    yield return (action.Catch[i].Next, $"Catch/{i}/Next");
                }
            }
        }

        private StateDefinition? ParseState(string name, JsonObject o, string at)
        {
            var type = String(o, "Type", at, required: true);
            if (type is null)
            {
                return null;
            }
            if (!AllowedFields.TryGetValue(type, out var allowed))
            {
                Problem(at + "/Type", $"'{type}' is not a state type (Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map)");
                return null;
            }
            foreach (var (key, _) in o)
            {
                if (!allowed.Contains(key))
                {
                    Problem(at + "/" + key, key is "Assign" or "Arguments" or "Output"
                        ? $"field '{key}' belongs to variables or JSONata, which this engine does not support"
                        : $"field '{key}' is not supported by a {type} state");
                }
            }
            CheckQueryLanguage(o, at);
            var (next, end) = type is "Choice" or "Succeed" or "Fail" ? (null, false) : ParseTransition(o, at);
            StateDefinition? state = type switch
            {
                "Pass" => ParsePass(o, at),
                "Task" => ParseTask(o, at),
                "Choice" => ParseChoice(o, at),
                "Wait" => ParseWait(o, at),
                "Succeed" => new SucceedStateDefinition { Name = name, Type = type },
                "Fail" => ParseFail(o, at),
                "Parallel" => ParseParallel(o, at),
                _ => ParseMap(o, at),
            };
            if (state is null)
            {
                return null;
            }
            return state with
            {
                Name = name,
                Type = type,
                Comment = o["Comment"]?.ToString(),
                InputPath = OptionalPath(o, "InputPath", at),
                OutputPath = OptionalPath(o, "OutputPath", at),
                Next = next,
                End = end,
            };
        }

        private void CheckQueryLanguage(JsonObject o, string at)
        {
            if (o.TryGetPropertyValue("QueryLanguage", out var ql) && ql?.ToString() != "JSONPath")
            {
                Problem(at + "/QueryLanguage", $"query language '{ql}' is not supported; this engine runs the JSONPath query language");
            }
        }

        private (string? Next, bool End) ParseTransition(JsonObject o, string at)
        {
            var next = o.ContainsKey("Next") ? String(o, "Next", at, required: true) : null;
            var end = false;
            if (o.TryGetPropertyValue("End", out var endNode))
            {
                if (JsonValues.Kind(endNode) != JsonValueKind.True)
                {
                    Problem(at + "/End", "'End' must be true when present");
                }
                end = true;
            }
            if (o.ContainsKey("Next") && end)
            {
                Problem(at, "a state cannot have both 'Next' and 'End'");
            }
            else if (!o.ContainsKey("Next") && !end)
            {
                Problem(at, "a state must have either 'Next' or 'End': true");
            }
            return (next, end);
        }

        private PassStateDefinition ParsePass(JsonObject o, string at) => new()
        {
            Name = "",
            Type = "Pass",
            HasResult = o.ContainsKey("Result"),
            Result = JsonValues.Clone(o["Result"]),
            Parameters = Template(o, "Parameters", at),
            ResultPath = ResultPathField(o, "ResultPath", at),
        };

        private TaskStateDefinition? ParseTask(JsonObject o, string at)
        {
            var resource = String(o, "Resource", at, required: true);
            if (resource is not null && !resource.StartsWith("arn:", StringComparison.Ordinal))
            {
                Problem(at + "/Resource", $"'{resource}' is not an ARN");
            }
            Exclusive(o, at, "TimeoutSeconds", "TimeoutSecondsPath");
            Exclusive(o, at, "HeartbeatSeconds", "HeartbeatSecondsPath");
            var timeout = o.ContainsKey("TimeoutSeconds") ? Integer(o, "TimeoutSeconds", at, min: 1) : null;
            var heartbeat = o.ContainsKey("HeartbeatSeconds") ? Integer(o, "HeartbeatSeconds", at, min: 1) : null;
            if (timeout is not null && heartbeat is not null && heartbeat >= timeout)
            {
                Problem(at + "/HeartbeatSeconds", "'HeartbeatSeconds' must be smaller than 'TimeoutSeconds'");
            }
            return WithActionFields(o, at, new TaskStateDefinition
            {
                Name = "",
                Type = "Task",
                Resource = resource ?? "",
                TimeoutSeconds = timeout,
                TimeoutSecondsPath = Path(o, "TimeoutSecondsPath", at),
                HeartbeatSeconds = heartbeat,
                HeartbeatSecondsPath = Path(o, "HeartbeatSecondsPath", at),
            });
        }

        private WaitStateDefinition ParseWait(JsonObject o, string at)
        {
            var present = WaitFields.Where(o.ContainsKey).ToList();
            if (present.Count != 1)
            {
                Problem(at, "a Wait state must have exactly one of 'Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'");
            }
            DateTimeOffset? timestamp = null;
            if (o.ContainsKey("Timestamp"))
            {
                var text = String(o, "Timestamp", at, required: true);
                if (text is not null && Timestamps.TryParse(text, out var ts))
                {
                    timestamp = ts;
                }
                else if (text is not null)
                {
                    Problem(at + "/Timestamp", $"'{text}' is not an RFC 3339 timestamp such as 2026-01-01T00:00:00Z");
                }
            }
            return new WaitStateDefinition
            {
                Name = "",
                Type = "Wait",
                Seconds = o.ContainsKey("Seconds") ? Integer(o, "Seconds", at, min: 0) : null,
                Timestamp = timestamp,
                SecondsPath = Path(o, "SecondsPath", at),
                TimestampPath = Path(o, "TimestampPath", at),
            };
        }

        private FailStateDefinition ParseFail(JsonObject o, string at)
        {
            Exclusive(o, at, "Error", "ErrorPath");
            Exclusive(o, at, "Cause", "CausePath");
            return new FailStateDefinition
            {
                Name = "",
                Type = "Fail",
                Error = o.ContainsKey("Error") ? String(o, "Error", at, required: true) : null,
                Cause = o.ContainsKey("Cause") ? String(o, "Cause", at, required: true) : null,
                ErrorPath = Expression(o, "ErrorPath", at),
                CausePath = Expression(o, "CausePath", at),
            };
        }

        private ParallelStateDefinition ParseParallel(JsonObject o, string at)
        {
            var branches = new List<StateMachineDefinition>();
            if (o["Branches"] is not JsonArray array || array.Count == 0)
            {
                Problem(at + "/Branches", "'Branches' is required and must be a non-empty array of state machines");
            }
            else
            {
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonObject branch)
                    {
                        if (ParseScope(branch, $"{at}/Branches/{i}", topLevel: false) is { } parsed)
                        {
                            branches.Add(parsed);
                        }
                    }
                    else
                    {
                        Problem($"{at}/Branches/{i}", "a branch must be an object with 'StartAt' and 'States'");
                    }
                }
            }
            return WithActionFields(o, at, new ParallelStateDefinition { Name = "", Type = "Parallel", Branches = branches });
        }

        // Task, Parallel and Map read their input template, result and error handling the same way (a Map's
        // template may be called ItemSelector).
        private T WithActionFields<T>(JsonObject o, string at, T state, string parameters = "Parameters")
            where T : ActionStateDefinition => (T)(state with
            {
                Parameters = Template(o, parameters, at),
                ResultSelector = Template(o, "ResultSelector", at),
                ResultPath = ResultPathField(o, "ResultPath", at),
                Retry = Retriers(o, at),
                Catch = Catchers(o, at),
            });

        private MapStateDefinition? ParseMap(JsonObject o, string at)
        {
            foreach (var distributed in DistributedMapFields.Where(o.ContainsKey))
            {
                Problem(at + "/" + distributed, $"'{distributed}' belongs to a distributed Map, which this engine does not run; use an inline Map");
            }
            Exclusive(o, at, "ItemProcessor", "Iterator");
            Exclusive(o, at, "ItemSelector", "Parameters");
            Exclusive(o, at, "MaxConcurrency", "MaxConcurrencyPath");
            Exclusive(o, at, "ToleratedFailureCount", "ToleratedFailureCountPath");
            Exclusive(o, at, "ToleratedFailurePercentage", "ToleratedFailurePercentagePath");
            var processorField = o.ContainsKey("ItemProcessor") ? "ItemProcessor" : "Iterator";
            StateMachineDefinition? processor = null;
            if (o[processorField] is JsonObject p)
            {
                if (p["ProcessorConfig"] is JsonObject config && config["Mode"]?.ToString() is { } mode && mode != "INLINE")
                {
                    Problem($"{at}/{processorField}/ProcessorConfig/Mode", $"mode '{mode}' is not supported; this engine runs inline Maps");
                }
                processor = ParseScope(p, $"{at}/{processorField}", topLevel: false);
            }
            else
            {
                Problem(at + "/ItemProcessor", "'ItemProcessor' is required and must be an object with 'StartAt' and 'States'");
            }
            double? percentage = null;
            if (o.TryGetPropertyValue("ToleratedFailurePercentage", out var pct))
            {
                if (!JsonValues.TryGetDouble(pct, out var v) || v < 0 || v > 100)
                {
                    Problem(at + "/ToleratedFailurePercentage", "'ToleratedFailurePercentage' must be a number from 0 to 100");
                }
                percentage = v;
            }
            if (processor is null)
            {
                return null;
            }
            return WithActionFields(o, at, new MapStateDefinition
            {
                Name = "",
                Type = "Map",
                ItemProcessor = processor,
                ItemsPath = Path(o, "ItemsPath", at) ?? JsonPath.Parse("$"),
                MaxConcurrency = o.ContainsKey("MaxConcurrency") ? Integer(o, "MaxConcurrency", at, min: 0) ?? 0 : 0,
                MaxConcurrencyPath = Path(o, "MaxConcurrencyPath", at),
                ToleratedFailureCount = o.ContainsKey("ToleratedFailureCount") ? Integer(o, "ToleratedFailureCount", at, min: 0) : null,
                ToleratedFailureCountPath = Path(o, "ToleratedFailureCountPath", at),
                ToleratedFailurePercentage = percentage,
                ToleratedFailurePercentagePath = Path(o, "ToleratedFailurePercentagePath", at),
            }, parameters: o.ContainsKey("ItemSelector") ? "ItemSelector" : "Parameters");
        }
    }
}
