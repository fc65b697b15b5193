namespace Pipeline.Core.Scaling;

/// <summary>
/// The pipeline's scaling policy. It is stateless: every input comes from CloudWatch and
/// DescribeTable, so the function needs no storage between ticks.
/// <list type="bullet">
/// <item>Out: straight to what the demand (consumed plus throttled) needs at the target. At once when the
/// last minute was throttled or above the midpoint between target and 100% (target tracking waits two
/// minutes and sizes from the capped consumption, so a large step takes it several rounds), and then
/// projected two minutes ahead along a ramp (one minute for the change to land, one to the next tick);
/// after two minutes above target otherwise, so noise below capacity is not chased.</item>
/// <item>In: decreases are a budget (see <see cref="DecreaseQuota"/>). The fuller the bank, the sooner and
/// the smaller a decrease it accepts; a bank about to overflow, or the last hour of the UTC day (the bank
/// resets at midnight), spends freely; with one decrease left it waits for 10 quiet minutes and 50% excess.
/// A decrease sizes to the peak of the last five minutes and lowers both dimensions together, because one
/// UpdateTable counts as one decrease.</item>
/// </list>
/// </summary>
public sealed class PipelineScalingPolicy : IScalingPolicy
{
    private const int TrendMinutes = 5;
    private const int ProjectionMinutes = 2;
    private const int SizingMinutes = 5;

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

        // Whether to spend a decrease is judged over the whole quiet window; how far to go, over the last
        // minutes, so a decaying load is followed closely (an increase is free if it turns back up).
        var worthIt = current.Read > settings.Max.Read || current.Write > settings.Max.Write
            || current.Read >= Needed(reads, quiet, settings.Target, settings.Min.Read, settings.Max.Read) * ratio
            || current.Write >= Needed(writes, quiet, settings.Target, settings.Min.Write, settings.Max.Write) * ratio;
        var recent = Math.Min(quiet, SizingMinutes);
        var wantRead = Needed(reads, recent, settings.Target, settings.Min.Read, settings.Max.Read);
        var wantWrite = Needed(writes, recent, settings.Target, settings.Min.Write, settings.Max.Write);
        if (!worthIt)
        {
            return ScalingDecision.Keep(current, "steady: capacity matches demand");
        }

        var next = new Throughput(Math.Min(current.Read, wantRead), Math.Min(current.Write, wantWrite));
        return next == current
            ? ScalingDecision.Keep(current, "steady: capacity matches demand")
            : new ScalingDecision(current, next, $"scale in: quiet for {quiet} min, the last {recent} min need {next}, {available} decrease(s) banked");
    }

    private static long Needed(double[] demand, int minutes, double target, long min, long max) =>
        Clamp(CeilUnits(DemandEstimate.Peak(demand, minutes) / target), min, max);

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
            3 => (4, 1.2),
            2 => (6, 1.3),
            _ => (10, 1.5),
        };
    }

    private static long CeilUnits(double units) => units >= long.MaxValue ? long.MaxValue : (long)Math.Ceiling(units - 1e-9);

    private static long Clamp(long value, long min, long max) => Math.Max(1, Math.Min(Math.Max(value, min), max));

    private static string Describe(double[] demand) => demand.Length == 0 ? "?" : demand[^1].ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
}
