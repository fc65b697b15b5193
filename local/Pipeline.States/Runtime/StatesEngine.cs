using System.Text.Json.Nodes;
using Pipeline.States.Definition;
using Pipeline.States.History;

namespace Pipeline.States.Runtime;

/// <summary>Runs executions of Amazon States Language state machines.</summary>
public sealed class StatesEngine(EngineOptions options)
{
    public EngineOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    public async Task<ExecutionResult> RunAsync(
        StateMachineDefinition definition,
        JsonNode? input,
        ExecutionIdentity identity,
        IHistorySink? history = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(identity);
        var recorder = new HistoryRecorder(history, Options.Clock);
        var started = recorder.Record(0, "ExecutionStarted", "executionStartedEventDetails", recorder.Enabled
            ? WithRole(HistoryRecorder.Payload("input", input), identity.RoleArn)
            : null);
        var thread = new EventThread(started);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (definition.TimeoutSeconds is { } seconds)
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        }
        var run = new ExecutionRun(Options, recorder, new ContextObject(identity, input, definition.UsesContextObject));
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
