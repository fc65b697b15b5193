namespace Pipeline.States.History;

/// <summary>Numbers events from 1 (or after the events of a resumed history) and hands them to the sink; concurrent branches share one sequence.</summary>
public sealed class HistoryRecorder(IHistorySink? sink, TimeProvider clock, long lastId = 0)
{
    private long _lastId = lastId;
    private readonly object _gate = new();

    public bool Enabled => sink is not null;

    /// <returns>The id of the recorded event, or 0 when no history is kept.</returns>
    public long Record(long previousEventId, string type, string? detailsKey = null, JsonObject? details = null)
    {
        if (sink is null)
        {
            return 0;
        }
        lock (_gate)
        {
            var e = new HistoryEvent(++_lastId, previousEventId, clock.GetUtcNow(), type, detailsKey, details);
            sink.Append(e);
            return e.Id;
        }
    }

    public static JsonObject Payload(string field, JsonNode? value) => new()
    {
        [field] = JsonValues.Serialize(value),
        [field + "Details"] = new JsonObject { ["truncated"] = false },
    };
}
