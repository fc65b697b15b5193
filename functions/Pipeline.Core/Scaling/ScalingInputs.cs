namespace Pipeline.Core.Scaling;

/// <summary>One minute of one dimension: average consumed units per second and throttled requests.</summary>
public readonly record struct MinuteSample(double Consumed, double ThrottleEvents);

public enum ThroughputStatus
{
    Active,
    Updating,
    Other,
}

/// <summary>How a table or an index is billed. On-demand capacity is never touched.</summary>
public enum BillingMode
{
    Provisioned,
    PayPerRequest,
}

/// <summary>The manifest's bounds and target utilisation for one table (and its indexes).</summary>
public sealed record ScalingSettings(Throughput Min, Throughput Max, double TargetPercent = ScalingSettings.DefaultTarget)
{
    public const double DefaultTarget = 70;
    public const double LowestTarget = 20;
    public const double HighestTarget = 90;

    /// <summary>Throws <see cref="ArgumentException"/> naming the field that is out of range.</summary>
    public void Validate()
    {
        if (TargetPercent is < LowestTarget or > HighestTarget || double.IsNaN(TargetPercent))
        {
            throw new ArgumentException($"target utilisation must be between {LowestTarget} and {HighestTarget} percent, got {TargetPercent}", nameof(TargetPercent));
        }

        if (Min.Read < 1 || Min.Write < 1)
        {
            throw new ArgumentException($"min capacity must be at least 1 read and 1 write unit, got {Min}", nameof(Min));
        }

        if (Max.Read < Min.Read || Max.Write < Min.Write)
        {
            throw new ArgumentException($"max capacity {Max} is below min capacity {Min}", nameof(Max));
        }
    }

    public double Target => TargetPercent / 100.0;
}

/// <summary>
/// What the policy knows about one table or one global secondary index at a decision time.
/// <see cref="Reads"/> and <see cref="Writes"/> hold the last complete minutes, oldest first.
/// </summary>
public sealed record ThroughputState(
    string Table,
    string? Index,
    BillingMode Billing,
    ThroughputStatus Status,
    Throughput Provisioned,
    int DecreasesToday,
    DateTimeOffset? LastDecrease,
    IReadOnlyList<MinuteSample> Reads,
    IReadOnlyList<MinuteSample> Writes,
    DateTimeOffset Now)
{
    public string Name => Index is null ? Table : $"{Table}/{Index}";
}

/// <summary>A change of provisioned capacity, or none, and why.</summary>
public sealed record ScalingDecision(Throughput Current, Throughput? Next, string Reason)
{
    public bool Changes => Next is { } next && next != Current;

    public bool Decreases => Next is { } next && next.IsDecreaseFrom(Current);

    public static ScalingDecision Keep(Throughput current, string reason) => new(current, null, reason);
}

/// <summary>Decides the next provisioned capacity of a table or an index.</summary>
public interface IScalingPolicy
{
    ScalingDecision Decide(ThroughputState state, ScalingSettings settings);
}
