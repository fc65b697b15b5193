namespace Pipeline.States.Runtime;

/// <summary>Builds the $$ context object a state sees: Execution, State, StateMachine and, in an ItemSelector, Map.Item.</summary>
internal sealed class ContextObject(ExecutionIdentity identity, JsonNode? input, bool enabled)
{
    private readonly JsonNode? _input = input?.DeepClone();

    public JsonObject? For(string stateName, DateTimeOffset enteredTime, int retryCount, JsonObject? mapItem = null)
    {
        if (!enabled)
        {
            return null;
        }
        var context = new JsonObject
        {
            ["Execution"] = new JsonObject
            {
                ["Id"] = identity.ExecutionArn,
                ["Input"] = _input?.DeepClone(),
                ["Name"] = identity.ExecutionName,
                ["RoleArn"] = identity.RoleArn,
                ["StartTime"] = Timestamps.Format3339(identity.StartTime),
                ["RedriveCount"] = 0,
            },
            ["State"] = new JsonObject
            {
                ["EnteredTime"] = Timestamps.Format3339(enteredTime),
                ["Name"] = stateName,
                ["RetryCount"] = retryCount,
            },
            ["StateMachine"] = new JsonObject
            {
                ["Id"] = identity.StateMachineArn,
                ["Name"] = identity.StateMachineName,
            },
        };
        if (mapItem is not null)
        {
            context["Map"] = new JsonObject { ["Item"] = mapItem };
        }
        return context;
    }
}

/// <summary>The chain of events one branch of control records: each new event points back to the last.</summary>
internal sealed class EventThread(long last)
{
    public long Last { get; set; } = last;
}
