namespace Pipeline.States.Runtime;

internal sealed partial class ExecutionRun
{
    private async Task<JsonNode?> RunMapAsync(MapStateDefinition map, JsonNode? input, EventThread thread, DateTimeOffset entered, string key, bool resumed, CancellationToken ct)
    {
        var ctx = Context(map, entered);
        var itemsNode = Select(map.ItemsPath, input, ctx, "ItemsPath");
        if (itemsNode is not JsonArray items)
        {
            throw StatesException.Runtime($"Item path '{map.ItemsPath.Text}' of Map state '{map.Name}' must select an array, not {JsonValues.Serialize(itemsNode)}");
        }
        var maxConcurrency = map.MaxConcurrencyPath is null ? map.MaxConcurrency : NonNegative(map, map.MaxConcurrencyPath, input, ctx, "MaxConcurrencyPath");
        var toleratedCount = map.ToleratedFailureCountPath is null ? map.ToleratedFailureCount : NonNegative(map, map.ToleratedFailureCountPath, input, ctx, "ToleratedFailureCountPath");
        double? toleratedPercentage = map.ToleratedFailurePercentage;
        if (map.ToleratedFailurePercentagePath is not null)
        {
            var value = Select(map.ToleratedFailurePercentagePath, input, ctx, "ToleratedFailurePercentagePath");
            toleratedPercentage = JsonValues.TryGetDouble(value, out var p) && p is >= 0 and <= 100
                ? p
                : throw StatesException.Runtime($"ToleratedFailurePercentagePath must select a number from 0 to 100, not {JsonValues.Serialize(value)}");
        }
        var tolerates = toleratedCount is not null || toleratedPercentage is not null;

        if (!resumed)
        {
            thread.Last = recorder.Record(thread.Last, "MapStateStarted", "mapStateStartedEventDetails", new JsonObject { ["length"] = items.Count });
        }
        var started = thread.Last;
        using var siblings = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var gate = maxConcurrency > 0 ? new SemaphoreSlim(maxConcurrency) : null;
        var results = new JsonNode?[items.Count];
        var failures = 0;
        StatesException? firstFailure = null;

        async Task<JsonNode?> IterateAsync(int index)
        {
            var acquired = false;
            try
            {
                if (gate is not null)
                {
                    await gate.WaitAsync(siblings.Token);
                    acquired = true;
                }
                siblings.Token.ThrowIfCancellationRequested();
                var item = JsonValues.Clone(items[index]);
                var itemInput = map.Parameters is null
                    ? item
                    : map.Parameters.Evaluate(input, Context(map, entered, 0, new JsonObject { ["Index"] = index, ["Value"] = JsonValues.Clone(item) }));
                var details = new JsonObject { ["name"] = map.Name, ["index"] = index };
                var iterationKey = $"{key}[{index}]";
                var visit = Checkpoints?.Find(iterationKey);
                if (visit is { Exited: true })
                {
                    return JsonValues.Clone(visit.Output);
                }
                var iteration = new EventThread(visit?.EnteredEventId
                    ?? recorder.Record(started, "MapIterationStarted", "mapIterationStartedEventDetails", details));
                if (visit is null)
                {
                    Checkpoints?.Entered(iterationKey, Clock.GetUtcNow(), iteration.Last);
                }
                try
                {
                    var output = await RunScopeAsync(map.ItemProcessor, itemInput, iteration, siblings.Token, iterationKey);
                    var succeeded = recorder.Record(iteration.Last, "MapIterationSucceeded", "mapIterationSucceededEventDetails", (JsonObject)details.DeepClone());
                    Checkpoints?.Exited(iterationKey, output, null, succeeded);
                    return output;
                }
                catch (StatesException e)
                {
                    recorder.Record(iteration.Last, "MapIterationFailed", "mapIterationFailedEventDetails", (JsonObject)details.DeepClone());
                    if (!tolerates || e.IsTerminal)
                    {
                        throw;
                    }
                    var failed = Interlocked.Increment(ref failures);
                    if (failed > (toleratedCount ?? int.MaxValue) || (toleratedPercentage is { } pct && failed * 100.0 / items.Count > pct))
                    {
                        Interlocked.CompareExchange(ref firstFailure, e, null);
                        throw new StatesException(StatesErrors.ExceedToleratedFailureThreshold,
                            $"The Map state '{map.Name}' failed because {failed} of {items.Count} items failed, more than it tolerates.");
                    }
                    return new JsonObject { ["Error"] = e.Error, ["Cause"] = e.Cause };
                }
            }
            finally
            {
                if (acquired)
                {
                    gate!.Release();
                }
            }
        }

        var iterations = Enumerable.Range(0, items.Count).Select(IterateAsync).ToList();
        var failure = await FirstFailureAsync(iterations, siblings, ct);
        if (failure is not null)
        {
            thread.Last = recorder.Record(thread.Last, "MapStateFailed");
            throw failure;
        }
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = iterations[i].Result;
        }
        thread.Last = recorder.Record(thread.Last, "MapStateSucceeded");
        return new JsonArray(results);
    }

    private static int NonNegative(MapStateDefinition map, JsonPath path, JsonNode? input, JsonNode? ctx, string field)
    {
        var value = Select(path, input, ctx, field);
        return JsonValues.TryGetInteger(value, out var v) && v is >= 0 and <= int.MaxValue
            ? (int)v
            : throw StatesException.Runtime($"{field} of Map state '{map.Name}' must select a non-negative integer, not {JsonValues.Serialize(value)}");
    }
}
