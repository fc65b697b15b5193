namespace Pipeline.Local.Aws.EventBridge;

/// <summary>One entry of PutEvents: what a source says happened.</summary>
public sealed record BusEvent(
    string Source,
    string DetailType,
    JsonObject Detail,
    IReadOnlyList<string>? Resources = null,
    string EventBusName = "default",
    DateTimeOffset? Time = null);

/// <summary>What became of one matched rule target.</summary>
public sealed record EventDelivery(string EventId, string RuleName, string TargetId, string TargetArn, JsonNode? Input, string? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>Where the bus hands a matched event: the local Lambda service or Step Functions engine.</summary>
public interface IEventTargetInvoker
{
    Task InvokeAsync(string targetArn, JsonNode? input, CancellationToken cancellationToken);
}
