namespace Pipeline.States.Runtime;

/// <summary>
/// What an execution did, state by state, so that a run cut off by a host stop can resume: a state
/// that exited is not run again (its output is taken from here), a Task in flight is retried.
/// Keys name one visit of one state: <c>/Deploy#1</c>, <c>/Targets#1[0]/Register#1</c> (a Map
/// iteration), <c>/Both#1{1}/Step#2</c> (a Parallel branch, the second visit of Step).
/// </summary>
public interface IStateCheckpoints
{
    StateCheckpoint? Find(string key);

    void Entered(string key, DateTimeOffset at, long eventId);

    void Exited(string key, JsonNode? output, string? nextState, long eventId);

    /// <summary>A Task's integration was called: an attempt is in flight until it answers.</summary>
    void Attempted(string key);

    /// <summary>The attempt failed and the state's retrier at <paramref name="retrier"/> took it.</summary>
    void Retried(string key, int retrier);
}

/// <summary>One visit of a state as the checkpoints recorded it.</summary>
public sealed record StateCheckpoint(string Key, DateTimeOffset EnteredAt, long EnteredEventId)
{
    public bool Exited { get; init; }

    public JsonNode? Output { get; init; }

    public string? Next { get; init; }

    public long ExitedEventId { get; init; }

    public int Attempts { get; init; }

    public IReadOnlyList<int> Retries { get; init; } = [];

    /// <summary>The integration was called and no answer was recorded: the host stopped while it ran.</summary>
    public bool AttemptInFlight => !Exited && Attempts > Retries.Count;
}

/// <summary>Checkpoints kept in memory (tests, executions without a journal); <see cref="Load"/> reads them back.</summary>
public class InMemoryStateCheckpoints : IStateCheckpoints
{
    private readonly Dictionary<string, StateCheckpoint> _visits = new(StringComparer.Ordinal);

    public StateCheckpoint? Find(string key)
    {
        lock (_visits)
        {
            return _visits.GetValueOrDefault(key);
        }
    }

    public virtual void Entered(string key, DateTimeOffset at, long eventId) => Set(new StateCheckpoint(key, at, eventId));

    public virtual void Exited(string key, JsonNode? output, string? nextState, long eventId) =>
        Update(key, c => c with { Exited = true, Output = output?.DeepClone(), Next = nextState, ExitedEventId = eventId });

    public virtual void Attempted(string key) => Update(key, c => c with { Attempts = c.Attempts + 1 });

    public virtual void Retried(string key, int retrier) => Update(key, c => c with { Retries = [.. c.Retries, retrier] });

    /// <summary>Applies one recorded line (see <see cref="Line"/>); the file-backed log replays its lines through here.</summary>
    protected void Apply(JsonObject line)
    {
        var key = line["k"]!.GetValue<string>();
        switch (line["t"]!.GetValue<string>())
        {
            case "entered":
                Set(new StateCheckpoint(key, DateTimeOffset.FromUnixTimeMilliseconds(line["at"]!.GetValue<long>()), line["ev"]!.GetValue<long>()));
                break;
            case "exited":
                Update(key, c => c with { Exited = true, Output = line["out"]?.DeepClone(), Next = line["next"]?.GetValue<string>(), ExitedEventId = line["ev"]!.GetValue<long>() });
                break;
            case "attempted":
                Update(key, c => c with { Attempts = c.Attempts + 1 });
                break;
            case "retried":
                Update(key, c => c with { Retries = [.. c.Retries, line["r"]!.GetValue<int>()] });
                break;
        }
    }

    /// <summary>The line that records one call of this interface.</summary>
    protected static JsonObject Line(string key, string type) => new() { ["k"] = key, ["t"] = type };

    private void Set(StateCheckpoint checkpoint)
    {
        lock (_visits)
        {
            _visits[checkpoint.Key] = checkpoint;
        }
    }

    private void Update(string key, Func<StateCheckpoint, StateCheckpoint> change)
    {
        lock (_visits)
        {
            if (_visits.TryGetValue(key, out var c))
            {
                _visits[key] = change(c);
            }
        }
    }
}
