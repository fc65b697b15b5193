namespace Pipeline.States.Runtime;

/// <summary>Runs executions of Amazon States Language state machines.</summary>
public sealed class StatesEngine(EngineOptions options)
{
    public EngineOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    public Task<ExecutionResult> RunAsync(
        StateMachineDefinition definition,
        JsonNode? input,
        ExecutionIdentity identity,
        IHistorySink? history = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(definition, input, identity, history, null, null, cancellationToken);

    /// <summary>
    /// Runs an execution that records what each state did in <paramref name="checkpoints"/>; with
    /// <paramref name="resume"/>, continues one a host stop cut off, from the same checkpoints: states
    /// that exited are not run again, and the history goes on after the events already recorded.
    /// </summary>
    public async Task<ExecutionResult> RunAsync(
        StateMachineDefinition definition,
        JsonNode? input,
        ExecutionIdentity identity,
        IHistorySink? history,
        IStateCheckpoints? checkpoints,
        ExecutionResume? resume,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(identity);
        var recorder = new HistoryRecorder(history, Options.Clock, resume?.LastEventId ?? 0);
        var started = resume is null
            ? recorder.Record(0, "ExecutionStarted", "executionStartedEventDetails", recorder.Enabled
                ? WithRole(HistoryRecorder.Payload("input", input), identity.RoleArn)
                : null)
            : recorder.Record(resume.LastEventId, "ExecutionResumed", "executionResumedEventDetails", new JsonObject { ["cause"] = resume.Cause });
        var thread = new EventThread(started);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (definition.TimeoutSeconds is { } seconds)
        {
            // Counted from the execution's start, so a resumed execution keeps its deadline.
            var left = TimeSpan.FromSeconds(seconds) - (Options.Clock.GetUtcNow() - identity.StartTime);
            timeout.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
        var run = new ExecutionRun(Options, recorder, new ContextObject(identity, input, definition.UsesContextObject))
        {
            Checkpoints = checkpoints,
            ResumedEventId = resume is null ? 0 : started,
        };
        try
        {
            var output = await run.RunScopeAsync(definition, input, thread, timeout.Token);
            recorder.Record(thread.Last, "ExecutionSucceeded", "executionSucceededEventDetails",
                recorder.Enabled ? HistoryRecorder.Payload("output", output) : null);
            return new ExecutionResult(ExecutionStatus.Succeeded, output, null, null);
        }
        catch (StatesException e)
        {
            var error = e.Error.Length == 0 ? null : e.Error;
            var cause = e.Cause.Length == 0 ? null : e.Cause;
            recorder.Record(thread.Last, "ExecutionFailed", "executionFailedEventDetails", ErrorDetails(error, cause));
            return new ExecutionResult(ExecutionStatus.Failed, null, error, cause);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            const string cause = "The execution ran longer than the state machine's TimeoutSeconds.";
            recorder.Record(thread.Last, "ExecutionTimedOut", "executionTimedOutEventDetails", ErrorDetails(StatesErrors.Timeout, cause));
            return new ExecutionResult(ExecutionStatus.TimedOut, null, StatesErrors.Timeout, cause);
        }
        catch (OperationCanceledException)
        {
            recorder.Record(thread.Last, "ExecutionAborted", "executionAbortedEventDetails", ErrorDetails(null, "The execution was stopped."));
            return new ExecutionResult(ExecutionStatus.Aborted, null, null, "The execution was stopped.");
        }
    }

    private static JsonObject WithRole(JsonObject details, string roleArn)
    {
        details["roleArn"] = roleArn;
        return details;
    }

    internal static JsonObject ErrorDetails(string? error, string? cause)
    {
        var o = new JsonObject();
        if (error is not null)
        {
            o["error"] = error;
        }
        if (cause is not null)
        {
            o["cause"] = cause;
        }
        return o;
    }
}

/// <summary>Continues an execution whose history ends at <paramref name="LastEventId"/> without a terminal event.</summary>
public sealed record ExecutionResume(long LastEventId, string Cause);
