namespace Pipeline.Core.Scaling;

/// <summary>
/// The pipeline's scaling policy. It is stateless: every input comes from CloudWatch and
/// DescribeTable, so the function needs no storage between ticks.
/// <list type="bullet">
/// <item>Out: as soon as the last minute ran above target or was throttled (target tracking waits two
/// minutes), straight to what the demand (consumed plus throttled) needs at the target, projected two
/// minutes ahead along the recent trend (one minute for the change to land, one to the next tick).
/// Target tracking sizes from the capped consumption and needs several rounds for a large step.</item>
/// <item>In: decreases are a budget (see <see cref="DecreaseQuota"/>). The fuller the bank, the sooner and
/// the smaller a decrease it accepts; a bank about to overflow, or the last hour of the UTC day (the bank
/// resets at midnight), spends freely; the last token is kept for a drop that halves the capacity.
/// A decrease sizes to the peak of the quiet window, so it is not undone by the next ripple, and
/// lowers both dimensions together because one UpdateTable counts as one decrease.</item>
/// </list>
/// </summary>
public sealed class PipelineScalingPolicy : IScalingPolicy
{
    private const int TrendMinutes = 5;
    private const int ProjectionMinutes = 2;

    public ScalingDecision Decide(ThroughputState state, ScalingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(settings);
        var current = state.Provisioned;
        if (state.Billing == BillingMode.PayPerRequest)
        {
            return ScalingDecision.Keep(current, "on-demand: capacity is not managed");
        }

        if (state.Status != ThroughputStatus.Active)
        {
            return ScalingDecision.Keep(current, $"status {state.Status}: waiting for the table to be active");
        }

        var reads = DemandEstimate.Series(state.Reads);
        var writes = DemandEstimate.Series(state.Writes);
        var target = settings.Target;

        var up = new Throughput(
            Out(reads, state.Reads, current.Read, target, settings.Min.Read, settings.Max.Read),
            Out(writes, state.Writes, current.Write, target, settings.Min.Write, settings.Max.Write));
        if (up.Read > current.Read || up.Write > current.Write)
        {
            var next = new Throughput(Math.Max(up.Read, current.Read), Math.Max(up.Write, current.Write));
            return new ScalingDecision(current, next, $"scale out: demand {Describe(reads)}R/{Describe(writes)}W units/s above {settings.TargetPercent}% of {current}");
        }

        return In(state, settings, reads, writes);
    }

    /// <summary>The capacity one dimension needs now, or <paramref name="current"/> if it is enough.</summary>
    private static long Out(double[] demand, IReadOnlyList<MinuteSample> samples, long current, double target, long min, long max)
    {
        if (current < min)
        {
            return min;
        }

        if (demand.Length == 0)
        {
            return current;
        }

        var last = demand[^1];
        var throttled = samples[^1].ThrottleEvents > 0;
        var urgent = throttled || last > current * (target + 1) / 2;
        var sustained = demand.Length >= 2 && last > current * target && demand[^2] > current * target;
        if (!urgent && !sustained)
        {
            return current;
        }

        // Urgent means demand is (nearly) past capacity: lead the trend. A sustained rise below that
        // has the target's headroom to absorb the next minutes, so noise is not chased.
        var projected = urgent ? Projected(demand) : last;
        var needed = Clamp(CeilUnits(Math.Max(last, projected) / target), min, max);
        return Math.Max(current, needed);
    }

    /// <summary>
    /// Demand two minutes ahead when it has been climbing minute after minute (a ramp), at most half
    /// again the last minute. A one-off jump is not a trend: projecting it would overshoot and cost a
    /// decrease to undo.
    /// </summary>
    private static double Projected(double[] demand)
    {
        var last = demand[^1];
        if (demand.Length < TrendMinutes)
        {
            return last;
        }

        for (var i = demand.Length - TrendMinutes + 1; i < demand.Length; i++)
        {
            if (demand[i] <= demand[i - 1])
            {
                return last;
            }
        }

        var slope = DemandEstimate.Slope(demand, TrendMinutes);
        return Math.Min(last * 1.5, last + (Math.Max(0, slope) * ProjectionMinutes));
    }

    private static ScalingDecision In(ThroughputState state, ScalingSettings settings, double[] reads, double[] writes)
    {
        var current = state.Provisioned;
        var available = DecreaseQuota.SafeAvailable(state.DecreasesToday, state.LastDecrease, state.Now);
        if (available == 0)
        {
            return ScalingDecision.Keep(current, "steady: no decrease left in the quota until the next UTC hour");
        }

        var (quiet, ratio) = Appetite(available, state.Now);
        if (!DemandEstimate.Covers(reads, quiet) || !DemandEstimate.Covers(writes, quiet))
        {
            return ScalingDecision.Keep(current, "steady: not enough history to plan a decrease");
        }

        var target = settings.Target;
        var wantRead = Clamp(CeilUnits(DemandEstimate.Peak(reads, quiet) / target), settings.Min.Read, settings.Max.Read);
        var wantWrite = Clamp(CeilUnits(DemandEstimate.Peak(writes, quiet) / target), settings.Min.Write, settings.Max.Write);
        var worthIt = current.Read > settings.Max.Read || current.Write > settings.Max.Write
            || current.Read >= wantRead * ratio || current.Write >= wantWrite * ratio;
        if (!worthIt)
        {
            return ScalingDecision.Keep(current, "steady: capacity matches demand");
        }

        var next = new Throughput(Math.Min(current.Read, wantRead), Math.Min(current.Write, wantWrite));
        return next == current
            ? ScalingDecision.Keep(current, "steady: capacity matches demand")
            : new ScalingDecision(current, next, $"scale in: peak of the last {quiet} min needs {next}, {available} decrease(s) banked");
    }

    /// <summary>
    /// How long demand must have stayed low, and by how much capacity must exceed what it needs,
    /// before a decrease is spent, given the decreases banked now.
    /// </summary>
    private static (int QuietMinutes, double Ratio) Appetite(int available, DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        var lastHourOfDay = utc.Hour == 23;
        if (available >= DecreaseQuota.Banked || lastHourOfDay)
        {
            // The next hourly refill would be lost (or the bank resets at midnight): spend it.
            return (3, 1.15);
        }

        return available switch
        {
            3 => (5, 1.25),
            2 => (8, 1.4),
            _ => (15, 1.8),
        };
    }

    private static long CeilUnits(double units) => units >= long.MaxValue ? long.MaxValue : (long)Math.Ceiling(units - 1e-9);

    private static long Clamp(long value, long min, long max) => Math.Max(1, Math.Min(Math.Max(value, min), max));

    private static string Describe(double[] demand) => demand.Length == 0 ? "?" : demand[^1].ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
}
