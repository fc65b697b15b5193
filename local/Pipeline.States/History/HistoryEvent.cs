namespace Pipeline.States.History;

/// <summary>
/// One event of an execution history, shaped as Step Functions' GetExecutionHistory returns it:
/// <c>{"id", "previousEventId", "timestamp", "type", "&lt;detailsKey&gt;": {...}}</c>.
/// </summary>
public sealed record HistoryEvent(long Id, long PreviousEventId, DateTimeOffset Timestamp, string Type, string? DetailsKey, JsonObject? Details)
{
    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["id"] = Id,
            ["previousEventId"] = PreviousEventId,
            ["timestamp"] = Timestamp.ToUnixTimeMilliseconds() / 1000.0,
            ["type"] = Type,
        };
        if (DetailsKey is not null && Details is not null)
        {
            o[DetailsKey] = Details.DeepClone();
        }
        return o;
    }

    public static HistoryEvent FromJson(JsonObject o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var detailsKey = o.Select(p => p.Key).FirstOrDefault(k => k.EndsWith("EventDetails", StringComparison.Ordinal));
        var seconds = o["timestamp"]!.GetValue<double>();
        return new HistoryEvent(
            o["id"]!.GetValue<long>(),
            o["previousEventId"]!.GetValue<long>(),
            DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000)),
            o["type"]!.GetValue<string>(),
            detailsKey,
            detailsKey is null ? null : (JsonObject)o[detailsKey]!.DeepClone());
    }
}

/// <summary>Receives the events of one execution in order.</summary>
public interface IHistorySink
{
    void Append(HistoryEvent historyEvent);
}

/// <summary>Keeps the events in memory.</summary>
public sealed class InMemoryHistory : IHistorySink
{
    private readonly List<HistoryEvent> _events = [];

    public IReadOnlyList<HistoryEvent> Events
    {
        get
        {
            lock (_events)
            {
                return _events.ToList();
            }
        }
    }

    public void Append(HistoryEvent historyEvent)
    {
        lock (_events)
        {
            _events.Add(historyEvent);
        }
    }
}
