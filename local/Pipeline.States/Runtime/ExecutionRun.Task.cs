using Pipeline.States.Integrations;

namespace Pipeline.States.Runtime;

internal sealed partial class ExecutionRun
{
    private async Task<JsonNode?> RunTaskAsync(TaskStateDefinition task, JsonNode? input, EventThread thread, JsonNode? ctx, string key, CancellationToken ct)
    {
        var timeout = task.TimeoutSecondsPath is null ? task.TimeoutSeconds : PositiveSeconds(task.TimeoutSecondsPath, input, ctx, "TimeoutSecondsPath");
        var heartbeat = task.HeartbeatSecondsPath is null ? task.HeartbeatSeconds : PositiveSeconds(task.HeartbeatSecondsPath, input, ctx, "HeartbeatSecondsPath");
        var lambda = TaskResources.IsLambdaFunctionArn(task.Resource);
        var (resourceType, resource) = TaskResources.Describe(task.Resource) ?? ("activity", task.Resource);
        string Kind(string lambdaEvent, string taskEvent) => lambda ? lambdaEvent : taskEvent;
        JsonObject Details(JsonObject? extra = null)
        {
            var o = lambda ? new JsonObject() : new JsonObject { ["resourceType"] = resourceType, ["resource"] = resource };
            foreach (var (key, value) in extra?.ToList() ?? [])
            {
                extra!.Remove(key);
                o[key] = value;
            }
            return o;
        }

        if (recorder.Enabled)
        {
            var scheduled = lambda
                ? new JsonObject { ["resource"] = task.Resource, ["input"] = JsonValues.Serialize(input), ["inputDetails"] = new JsonObject { ["truncated"] = false } }
                : Details(new JsonObject { ["region"] = options.Region, ["parameters"] = JsonValues.Serialize(input) });
            if (timeout is not null)
            {
                scheduled["timeoutInSeconds"] = timeout;
            }
            if (heartbeat is not null && !lambda)
            {
                scheduled["heartbeatInSeconds"] = heartbeat;
            }
            thread.Last = recorder.Record(thread.Last, Kind("LambdaFunctionScheduled", "TaskScheduled"),
                Kind("lambdaFunctionScheduledEventDetails", "taskScheduledEventDetails"), scheduled);
        }

        var integration = options.Integrations.Resolve(task.Resource);
        if (integration is null)
        {
            var failed = new StatesException(StatesErrors.Runtime,
                $"No integration serves the resource '{task.Resource}'. Registered: {(options.Integrations.Patterns.Count == 0 ? "none (is a Lambda endpoint configured?)" : string.Join(", ", options.Integrations.Patterns))}");
            thread.Last = recorder.Record(thread.Last, Kind("LambdaFunctionStartFailed", "TaskStartFailed"),
                Kind("lambdaFunctionStartFailedEventDetails", "taskStartFailedEventDetails"),
                recorder.Enabled ? Details(StatesEngine.ErrorDetails(failed.Error, failed.Cause)) : null);
            throw failed;
        }
        thread.Last = recorder.Record(thread.Last, Kind("LambdaFunctionStarted", "TaskStarted"),
            lambda ? null : "taskStartedEventDetails", lambda || !recorder.Enabled ? null : Details());

        // Both deadlines run on the engine's clock, as Wait and Retry delays do: a host (or a test) that
        // sets the clock decides when a Task times out, not the machine's timers and how busy they are.
        using var deadline = Deadline(timeout);
        using var heartbeatDeadline = Deadline(heartbeat);
        using var any = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token, heartbeatDeadline.Token);
        void Beat()
        {
            if (heartbeat is { } h)
            {
                heartbeatDeadline.CancelAfter(TimeSpan.FromSeconds(h));
            }
        }
        try
        {
            var invocation = new TaskInvocation(task.Resource, JsonValues.Clone(input), task.Name, ctx, timeout, Beat);
            Checkpoints?.Attempted(key);
            var result = await integration.InvokeAsync(invocation, any.Token).WaitAsync(any.Token);
            thread.Last = recorder.Record(thread.Last, Kind("LambdaFunctionSucceeded", "TaskSucceeded"),
                Kind("lambdaFunctionSucceededEventDetails", "taskSucceededEventDetails"),
                recorder.Enabled ? Details(HistoryRecorder.Payload("output", result)) : null);
            return result;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            var timedOut = heartbeatDeadline.IsCancellationRequested
                ? new StatesException(StatesErrors.HeartbeatTimeout, $"The task '{task.Name}' sent no heartbeat for {heartbeat} seconds.")
                : new StatesException(StatesErrors.Timeout, $"The task '{task.Name}' ran longer than {timeout} seconds.");
            thread.Last = recorder.Record(thread.Last, Kind("LambdaFunctionTimedOut", "TaskTimedOut"),
                Kind("lambdaFunctionTimedOutEventDetails", "taskTimedOutEventDetails"),
                recorder.Enabled ? Details(StatesEngine.ErrorDetails(timedOut.Error, timedOut.Cause)) : null);
            throw timedOut;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var failure = e as StatesException ?? new StatesException(e.GetType().Name, e.Message);
            thread.Last = recorder.Record(thread.Last, Kind("LambdaFunctionFailed", "TaskFailed"),
                Kind("lambdaFunctionFailedEventDetails", "taskFailedEventDetails"),
                recorder.Enabled ? Details(StatesEngine.ErrorDetails(failure.Error, failure.Cause)) : null);
            throw failure;
        }
    }

    /// <summary>
    /// The attempt a host stop cut off fails as the service's own error would: Lambda.ServiceException for
    /// Lambda (which every Lambda Retry lists), for an SDK integration the SDK client's error for a call
    /// that got no answer, as the Task's Retry names it; its Retry and Catch then decide, as for any failure.
    /// </summary>
    private StatesException Interrupted(TaskStateDefinition task, EventThread thread)
    {
        var lambda = TaskResources.IsLambdaFunctionArn(task.Resource) || task.Resource == LambdaInvokeIntegration.OptimizedResource;
        var error = lambda
            ? "Lambda.ServiceException"
            : task.Retry.SelectMany(r => r.ErrorEquals).FirstOrDefault(e => e.EndsWith(".SdkClientException", StringComparison.Ordinal))
              ?? StatesErrors.TaskFailed;
        var failure = new StatesException(error, $"The host running the execution stopped while the task '{task.Name}' was in flight; the execution resumed and retries it.");
        var functionArn = TaskResources.IsLambdaFunctionArn(task.Resource);
        var (resourceType, resource) = TaskResources.Describe(task.Resource) ?? ("activity", task.Resource);
        var details = StatesEngine.ErrorDetails(failure.Error, failure.Cause);
        if (!functionArn)
        {
            details["resourceType"] = resourceType;
            details["resource"] = resource;
        }
        thread.Last = recorder.Record(thread.Last, functionArn ? "LambdaFunctionFailed" : "TaskFailed",
            functionArn ? "lambdaFunctionFailedEventDetails" : "taskFailedEventDetails", recorder.Enabled ? details : null);
        return failure;
    }

    private static int PositiveSeconds(JsonPath path, JsonNode? input, JsonNode? ctx, string field)
    {
        var value = Select(path, input, ctx, field);
        return JsonValues.TryGetInteger(value, out var v) && v is >= 1 and <= 99_999_999
            ? (int)v
            : throw StatesException.Runtime($"{field} must select a positive integer, not {JsonValues.Serialize(value)}");
    }

    /// <summary>A token cancelled <paramref name="seconds"/> from now on the engine's clock; never without seconds (no timer is made).</summary>
    private CancellationTokenSource Deadline(int? seconds) =>
        seconds is { } s ? new CancellationTokenSource(TimeSpan.FromSeconds(s), options.Clock) : new CancellationTokenSource();
}
