namespace Pipeline.States.Runtime;

/// <summary>One execution walking its states; Parallel branches and Map iterations share it.</summary>
internal sealed partial class ExecutionRun(EngineOptions options, HistoryRecorder recorder, ContextObject context)
{
    private TimeProvider Clock => options.Clock;

    /// <summary>Where a resumed run records what it did; null when the execution keeps no checkpoints.</summary>
    public IStateCheckpoints? Checkpoints { get; init; }

    /// <summary>The ExecutionResumed event of a run that continues an earlier one; 0 for a fresh run.</summary>
    public long ResumedEventId { get; init; }

    public async Task<JsonNode?> RunScopeAsync(StateMachineDefinition scope, JsonNode? input, EventThread thread, CancellationToken ct, string path = "")
    {
        var name = scope.StartAt;
        var data = input;
        var visits = new Dictionary<string, int>(StringComparer.Ordinal);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var state = scope.States[name];
            var key = $"{path}/{state.Name}#{visits[state.Name] = visits.GetValueOrDefault(state.Name) + 1}";
            var visit = Checkpoints?.Find(key);
            JsonNode? output;
            string? next;
            if (visit is { Exited: true })
            {
                // Done before the host stopped: its output stands and nothing runs again.
                (output, next) = (JsonValues.Clone(visit.Output), visit.Next);
                thread.Last = visit.ExitedEventId;
            }
            else
            {
                DateTimeOffset entered;
                if (visit is null)
                {
                    entered = Clock.GetUtcNow();
                    thread.Last = recorder.Record(thread.Last, state.Type + "StateEntered", "stateEnteredEventDetails",
                        recorder.Enabled ? Named(state.Name, HistoryRecorder.Payload("input", data)) : null);
                    Checkpoints?.Entered(key, entered, thread.Last);
                }
                else
                {
                    // Entered before the host stopped: it keeps its entered time (a Wait its deadline).
                    entered = visit.EnteredAt;
                    thread.Last = ResumedEventId;
                }
                (output, next) = await ExecuteStateAsync(state, data, thread, entered, key, visit, ct);
                CheckSize(output, state.Name, "output");
                thread.Last = recorder.Record(thread.Last, state.Type + "StateExited", "stateExitedEventDetails",
                    recorder.Enabled ? Named(state.Name, HistoryRecorder.Payload("output", output)) : null);
                Checkpoints?.Exited(key, output, next, thread.Last);
            }
            if (next is null)
            {
                return output;
            }
            name = next;
            data = output;
        }
    }

    private Task<(JsonNode? Output, string? Next)> ExecuteStateAsync(StateDefinition state, JsonNode? raw, EventThread thread, DateTimeOffset entered,
        string key, StateCheckpoint? resumed, CancellationToken ct) =>
        state switch
        {
            PassStateDefinition pass => Task.FromResult(Pass(pass, raw, entered)),
            ChoiceStateDefinition choice => Task.FromResult(Choice(choice, raw, entered)),
            WaitStateDefinition wait => WaitAsync(wait, raw, entered, ct),
            SucceedStateDefinition succeed => Task.FromResult<(JsonNode?, string?)>(
                (ApplyOutputPath(succeed, ApplyInputPath(succeed, raw, Context(state, entered)), Context(state, entered)), null)),
            FailStateDefinition fail => throw Fail(fail, raw, entered),
            ActionStateDefinition action => RunWithRetryAsync(action, raw, thread, entered, key, resumed, ct),
            _ => throw new InvalidOperationException($"unknown state type {state.Type}"),
        };

    private (JsonNode?, string?) Pass(PassStateDefinition pass, JsonNode? raw, DateTimeOffset entered)
    {
        var ctx = Context(pass, entered);
        var effective = ApplyInputPath(pass, raw, ctx);
        if (pass.Parameters is not null)
        {
            effective = pass.Parameters.Evaluate(effective, ctx);
            CheckSize(effective, pass.Name, "input");
        }
        var result = pass.HasResult ? JsonValues.Clone(pass.Result) : effective;
        var output = ResultPaths.Apply(pass.ResultPath.Path, pass.ResultPath.IsNull, raw, result);
        return (ApplyOutputPath(pass, output, ctx), pass.Next);
    }

    private (JsonNode?, string?) Choice(ChoiceStateDefinition choice, JsonNode? raw, DateTimeOffset entered)
    {
        var ctx = Context(choice, entered);
        var effective = ApplyInputPath(choice, raw, ctx);
        string? next = null;
        foreach (var (condition, target) in choice.Choices)
        {
            if (condition.Evaluate(effective, ctx))
            {
                next = target;
                break;
            }
        }
        next ??= choice.Default ?? throw new StatesException(StatesErrors.NoChoiceMatched,
            $"No Matches! Choice state '{choice.Name}' found no rule matching its input and has no Default.");
        return (ApplyOutputPath(choice, effective, ctx), next);
    }

    private async Task<(JsonNode?, string?)> WaitAsync(WaitStateDefinition wait, JsonNode? raw, DateTimeOffset entered, CancellationToken ct)
    {
        var ctx = Context(wait, entered);
        var effective = ApplyInputPath(wait, raw, ctx);
        TimeSpan delay;
        if (wait.Seconds is { } seconds)
        {
            delay = TimeSpan.FromSeconds(seconds);
        }
        else if (wait.Timestamp is { } timestamp)
        {
            delay = timestamp - Clock.GetUtcNow();
        }
        else if (wait.SecondsPath is { } secondsPath)
        {
            var value = Select(secondsPath, effective, ctx, "SecondsPath");
            if (!JsonValues.TryGetInteger(value, out var s) || s < 0)
            {
                throw StatesException.Runtime($"The SecondsPath parameter does not reference a valid non-negative integer: {JsonValues.Serialize(value)}");
            }
            delay = TimeSpan.FromSeconds(s);
        }
        else
        {
            var value = Select(wait.TimestampPath!, effective, ctx, "TimestampPath");
            if (!JsonValues.TryGetString(value, out var text) || !Timestamps.TryParse(text, out var ts))
            {
                throw StatesException.Runtime($"The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {JsonValues.Serialize(value)}");
            }
            delay = ts - Clock.GetUtcNow();
        }
        // A relative wait counts from when the state was entered, so a resumed one keeps its deadline.
        var relative = wait.Seconds is not null || wait.SecondsPath is not null;
        await DelayAsync(relative ? delay * options.WaitTimeScale - (Clock.GetUtcNow() - entered) : delay * options.WaitTimeScale, ct, scaled: true);
        return (ApplyOutputPath(wait, effective, ctx), wait.Next);
    }

    private StatesException Fail(FailStateDefinition fail, JsonNode? raw, DateTimeOffset entered)
    {
        var ctx = Context(fail, entered);
        string? Field(string? literal, ValueExpression? path, string field)
        {
            if (path is null)
            {
                return literal;
            }
            var value = path.Evaluate(raw, ctx, StatesErrors.Runtime, field);
            return JsonValues.TryGetString(value, out var s)
                ? s
                : throw StatesException.Runtime($"The {field} '{path.Text}' must select a string, not {JsonValues.Serialize(value)}");
        }
        var error = Field(fail.Error, fail.ErrorPath, "ErrorPath");
        var cause = Field(fail.Cause, fail.CausePath, "CausePath");
        return new StatesException(error ?? "", cause ?? "");
    }

    internal async Task DelayAsync(TimeSpan delay, CancellationToken ct, bool scaled = false)
    {
        if (!scaled)
        {
            delay *= options.WaitTimeScale;
        }
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, Clock, ct);
        }
    }

    private JsonObject? Context(StateDefinition state, DateTimeOffset entered, int retryCount = 0, JsonObject? mapItem = null) =>
        context.For(state.Name, entered, retryCount, mapItem);

    private static JsonNode? ApplyInputPath(StateDefinition state, JsonNode? raw, JsonNode? ctx) =>
        ApplyPath(state.InputPath, raw, ctx, "InputPath");

    private static JsonNode? ApplyOutputPath(StateDefinition state, JsonNode? output, JsonNode? ctx) =>
        ApplyPath(state.OutputPath, output, ctx, "OutputPath");

    private static JsonNode? ApplyPath(PathField field, JsonNode? data, JsonNode? ctx, string name)
    {
        if (field.IsNull)
        {
            return new JsonObject();
        }
        return field.Path!.Text == "$" ? data : Select(field.Path, data, ctx, name);
    }

    private static JsonNode? Select(JsonPath path, JsonNode? data, JsonNode? ctx, string field)
    {
        var source = path.IsContext ? ctx : data;
        return path.TryEvaluate(source, out var value)
            ? value
            : throw StatesException.Runtime($"Invalid path '{path.Text}' : No results for path: {field} '{path.Text}' in {JsonValues.Serialize(source)}");
    }

    private void CheckSize(JsonNode? payload, string stateName, string what)
    {
        if (JsonValues.ExceedsSize(payload, options.PayloadLimitBytes))
        {
            throw new StatesException(StatesErrors.DataLimitExceeded,
                $"The state/task '{stateName}' returned a result with a size exceeding the maximum number of bytes service limit ({what} larger than {options.PayloadLimitBytes} bytes).");
        }
    }

    private static JsonObject Named(string name, JsonObject details)
    {
        var o = new JsonObject { ["name"] = name };
        foreach (var (key, value) in details.ToList())
        {
            details.Remove(key);
            o[key] = value;
        }
        return o;
    }
}
