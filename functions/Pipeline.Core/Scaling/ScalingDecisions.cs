namespace Pipeline.Core.Scaling;

/// <summary>One decision of the scaler, as recorded for the dashboard, the CLI and an operator on AWS.</summary>
public sealed record RecordedDecision(DateTimeOffset At, ScalingRecord Record);

/// <summary>Where the scaler's decisions are kept (the registry, each with a TTL).</summary>
public interface IScalingDecisions
{
    Task RecordAsync(IReadOnlyList<RecordedDecision> decisions, CancellationToken cancellationToken);

    /// <summary>The decisions about <paramref name="table"/> (and its indexes) since <paramref name="since"/>, oldest first.</summary>
    Task<IReadOnlyList<RecordedDecision>> ListAsync(string table, DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>
/// Passes each decision to the log it wraps and keeps it, so the handler records the tick's decisions
/// in one go after the tick (<see cref="IScalingLog.Write"/> is synchronous and must not block on I/O).
/// </summary>
public sealed class RecordedScalingLog(IScalingLog inner, IScalingDecisions store, TimeProvider clock) : IScalingLog
{
    private readonly List<RecordedDecision> _pending = [];

    public void Write(ScalingRecord record)
    {
        inner.Write(record);
        lock (_pending)
        {
            _pending.Add(new RecordedDecision(clock.GetUtcNow(), record));
        }
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        RecordedDecision[] batch;
        lock (_pending)
        {
            batch = [.. _pending];
            _pending.Clear();
        }

        if (batch.Length > 0)
        {
            await store.RecordAsync(batch, cancellationToken);
        }
    }
}
