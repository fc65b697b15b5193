namespace Pipeline.States.Runtime;

internal sealed partial class ExecutionRun
{
    /// <summary>Task, Parallel and Map: run, then on error consult Retry, then Catch.</summary>
    private async Task<(JsonNode?, string?)> RunWithRetryAsync(ActionStateDefinition state, JsonNode? raw, EventThread thread, DateTimeOffset entered,
        string key, StateCheckpoint? resumed, CancellationToken ct)
    {
        // A resumed state keeps the attempts its retriers already spent.
        var attempts = new int[state.Retry.Count];
        foreach (var r in resumed?.Retries ?? [])
        {
            attempts[r]++;
        }
        var retryCount = resumed?.Retries.Count ?? 0;
        var interrupted = resumed is { AttemptInFlight: true };
        while (true)
        {
            var ctx = Context(state, entered, retryCount);
            try
            {
                var effective = ApplyInputPath(state, raw, ctx);
                if (state is not MapStateDefinition && state.Parameters is not null)
                {
                    effective = state.Parameters.Evaluate(effective, ctx);
                }
                CheckSize(effective, state.Name, "input");
                var result = state switch
                {
                    TaskStateDefinition task when interrupted => throw Interrupted(task, thread),
                    TaskStateDefinition task => await RunTaskAsync(task, effective, thread, ctx, key, ct),
                    ParallelStateDefinition parallel => await RunParallelAsync(parallel, effective, thread, key, resumed is not null, ct),
                    _ => await RunMapAsync((MapStateDefinition)state, effective, thread, entered, key, resumed is not null, ct),
                };
                CheckSize(result, state.Name, "result");
                if (state.ResultSelector is not null)
                {
                    result = state.ResultSelector.Evaluate(result, ctx);
                }
                var output = ResultPaths.Apply(state.ResultPath.Path, state.ResultPath.IsNull, raw, result);
                return (ApplyOutputPath(state, output, ctx), state.Next);
            }
            catch (StatesException e) when (!e.IsTerminal)
            {
                interrupted = false;
                var retrier = FindMatch(state, e, state.Retry.Select(r => r.ErrorEquals).ToList());
                if (retrier >= 0 && attempts[retrier] < state.Retry[retrier].MaxAttempts)
                {
                    await DelayAsync(RetryDelay(state.Retry[retrier], attempts[retrier]), ct);
                    attempts[retrier]++;
                    retryCount++;
                    Checkpoints?.Retried(key, retrier);
                    continue;
                }
                var catcher = FindMatch(state, e, state.Catch.Select(c => c.ErrorEquals).ToList());
                if (catcher < 0)
                {
                    throw;
                }
                var errorOutput = new JsonObject
                {
                    ["Error"] = e.Error,
                    ["Cause"] = e.Cause,
                };
                var c = state.Catch[catcher];
                return (ResultPaths.Apply(c.ResultPath.Path, c.ResultPath.IsNull, raw, errorOutput), c.Next);
            }
        }
    }

    /// <summary>The index of the first retrier or catcher whose ErrorEquals matches, or -1.</summary>
    private static int FindMatch(ActionStateDefinition state, StatesException e, List<IReadOnlyList<string>> matchers)
    {
        for (var i = 0; i < matchers.Count; i++)
        {
            foreach (var name in matchers[i])
            {
                if (name == e.Error
                    || name == StatesErrors.All
                    || (name == StatesErrors.TaskFailed && state is TaskStateDefinition && e.Error != StatesErrors.Timeout))
                {
                    return i;
                }
            }
        }
        return -1;
    }

    private static TimeSpan RetryDelay(Retrier retrier, int attempt)
    {
        var seconds = retrier.IntervalSeconds * Math.Pow(retrier.BackoffRate, attempt);
        if (retrier.MaxDelaySeconds is { } max)
        {
            seconds = Math.Min(seconds, max);
        }
        if (retrier.FullJitter)
        {
            seconds = Random.Shared.NextDouble() * seconds;
        }
        return TimeSpan.FromSeconds(seconds);
    }

    private async Task<JsonNode?> RunParallelAsync(ParallelStateDefinition parallel, JsonNode? input, EventThread thread, string key, bool resumed, CancellationToken ct)
    {
        if (!resumed)
        {
            thread.Last = recorder.Record(thread.Last, "ParallelStateStarted");
        }
        using var siblings = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var started = thread.Last;
        var branches = parallel.Branches
            .Select((branch, i) => RunScopeAsync(branch, JsonValues.Clone(input), new EventThread(started), siblings.Token, $"{key}{{{i}}}"))
            .ToList();
        var failure = await FirstFailureAsync(branches, siblings, ct);
        if (failure is not null)
        {
            thread.Last = recorder.Record(thread.Last, "ParallelStateFailed", "parallelStateFailedEventDetails",
                StatesEngine.ErrorDetails(failure.Error, failure.Cause));
            throw failure;
        }
        thread.Last = recorder.Record(thread.Last, "ParallelStateSucceeded");
        return new JsonArray(branches.Select(b => b.Result).ToArray());
    }

    /// <summary>Waits for all; on the first StatesException cancels the rest and returns it.</summary>
    private static async Task<StatesException?> FirstFailureAsync(List<Task<JsonNode?>> tasks, CancellationTokenSource siblings, CancellationToken ct)
    {
        var failure = new System.Runtime.CompilerServices.StrongBox<StatesException?>();
        async Task Watch(Task<JsonNode?> task)
        {
            try
            {
                await task;
            }
            catch (StatesException e)
            {
                if (Interlocked.CompareExchange(ref failure.Value, e, null) is null)
                {
                    await siblings.CancelAsync();
                }
            }
            catch (OperationCanceledException)
            {
                // A sibling failed or the execution stopped; either is reported below.
            }
        }
        await Task.WhenAll(tasks.Select(Watch));
        ct.ThrowIfCancellationRequested();
        if (failure.Value is null && tasks.FirstOrDefault(t => t.IsFaulted) is { } faulted)
        {
            throw faulted.Exception!.InnerException!;
        }
        return failure.Value;
    }
}
