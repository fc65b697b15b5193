namespace Pipeline.States.Tests.Conformance;

/// <summary>
/// Serves every Task of a conformance case from its "tasks" script: per state name, a list of outcomes
/// used one per call (the last one repeats): {"return": v}, {"echo": true}, {"throw": {"error", "cause"}},
/// optionally with "sleepMs". regenerate.mjs gives aws-local-stepfunctions the same behaviour.
/// </summary>
internal sealed class ScriptedTasks(JsonObject script) : ITaskIntegration
{
    private readonly Dictionary<string, int> _calls = [];

    public async Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        if (script[invocation.StateName] is not JsonArray outcomes || outcomes.Count == 0)
        {
            throw new InvalidOperationException($"the case scripts no outcome for Task state '{invocation.StateName}'");
        }
        int call;
        lock (_calls)
        {
            _calls.TryGetValue(invocation.StateName, out call);
            _calls[invocation.StateName] = call + 1;
        }
        var outcome = outcomes[Math.Min(call, outcomes.Count - 1)]!.AsObject();
        if (outcome["sleepMs"] is { } sleep)
        {
            await Task.Delay(sleep.GetValue<int>(), cancellationToken);
        }
        if (outcome["throw"] is JsonObject error)
        {
            throw new StatesException(error["error"]!.GetValue<string>(), error["cause"]?.GetValue<string>() ?? "");
        }
        if (outcome.ContainsKey("echo"))
        {
            return JsonValues.Clone(invocation.Input);
        }
        return JsonValues.Clone(outcome["return"]);
    }
}
