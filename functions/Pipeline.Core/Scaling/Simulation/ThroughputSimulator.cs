namespace Pipeline.Core.Scaling.Simulation;

/// <summary>
/// Replays a trace of demand against a scaling policy, one table without indexes, minute by minute.
/// The model:
/// <list type="bullet">
/// <item>Minute 0 starts at 00:00 UTC of <see cref="Start"/>'s day; the capacity during minute 0 is
/// what minute 0's demand needs at the target, within min/max (the same for every policy).</item>
/// <item>At the start of minute m (m ≥ 1) the policy sees the last <see cref="HistoryMinutes"/>
/// complete minutes and the provisioned capacity; a change it makes takes effect one minute after the
/// decision, from minute m + 1. The table is ACTIVE again when the next decision is made.</item>
/// <item>Served = min(demand, capacity + burst available), per minute; burst accrues unused capacity up
/// to 300 seconds of the current capacity (<see cref="BurstBucket"/>). The rest is throttled.</item>
/// <item>The metrics the policy sees are what CloudWatch would report: consumed = served units per
/// second; throttle events = throttled units (requests of one unit, no client retries).</item>
/// <item>A decrease (either dimension lower) spends one decrease of the exact <see cref="DecreaseQuota"/>;
/// one the quota forbids is refused, as DynamoDB's LimitExceededException would, and counted as a quota
/// violation. A value outside min/max or below 1 is counted as a bound violation.</item>
/// <item>Capacity-unit-hours and dollars are billed per minute of provisioned capacity
/// (<see cref="ProvisionedPrices"/>).</item>
/// </list>
/// </summary>
public static class ThroughputSimulator
{
    public const int HistoryMinutes = 60;

    public static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    /// <param name="policy">Builds the policy under test, given the table's quota (baselines may look at it).</param>
    public static SimulationResult Run(
        string name,
        IReadOnlyList<TraceMinute> trace,
        ScalingSettings settings,
        Func<DecreaseQuota, IScalingPolicy> policy)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(policy);
        settings.Validate();
        var quota = new DecreaseQuota(Start);
        var scaler = policy(quota);
        var reads = new List<MinuteSample>();
        var writes = new List<MinuteSample>();
        var capacity = new List<Throughput>(trace.Count);
        BurstBucket readBurst = new(), writeBurst = new();
        double throttledRead = 0, throttledWrite = 0, rcuHours = 0, wcuHours = 0;
        int updates = 0, quotaViolations = 0, boundViolations = 0, maxDecreases = 0;

        var current = trace.Count == 0 ? settings.Min : Initial(trace[0], settings);
        Throughput? pending = null;
        for (var minute = 0; minute < trace.Count; minute++)
        {
            var now = Start.AddMinutes(minute);
            if (pending is { } landed)
            {
                current = landed;
                pending = null;
            }

            if (minute > 0)
            {
                var (decreasesToday, lastDecrease) = quota.Today(now);
                var state = new ThroughputState(
                    "simulated", null, BillingMode.Provisioned, ThroughputStatus.Active, current,
                    decreasesToday, lastDecrease, reads, writes, now);
                var decision = scaler.Decide(state, settings);
                if (decision.Next is { } next && next != current)
                {
                    if (next.Read < Math.Max(1, settings.Min.Read) || next.Write < Math.Max(1, settings.Min.Write)
                        || next.Read > settings.Max.Read || next.Write > settings.Max.Write)
                    {
                        boundViolations++;
                    }

                    if (next.IsDecreaseFrom(current) && !quota.TryDecrease(now))
                    {
                        quotaViolations++;
                    }
                    else
                    {
                        pending = next;
                        updates++;
                        maxDecreases = Math.Max(maxDecreases, quota.Today(now).DecreasesToday);
                    }
                }
            }

            var demand = trace[minute];
            var servedRead = readBurst.Serve(demand.Read, current.Read);
            var servedWrite = writeBurst.Serve(demand.Write, current.Write);
            var lostRead = (demand.Read * 60) - servedRead;
            var lostWrite = (demand.Write * 60) - servedWrite;
            throttledRead += lostRead;
            throttledWrite += lostWrite;
            rcuHours += current.Read / 60.0;
            wcuHours += current.Write / 60.0;
            capacity.Add(current);
            Append(reads, new MinuteSample(servedRead / 60, lostRead));
            Append(writes, new MinuteSample(servedWrite / 60, lostWrite));
        }

        var cost = (rcuHours * ProvisionedPrices.ReadCapacityUnitHour) + (wcuHours * ProvisionedPrices.WriteCapacityUnitHour);
        var summary = new SimulationSummary(
            name, trace.Count, throttledRead, throttledWrite, rcuHours, wcuHours, cost,
            updates, maxDecreases, quotaViolations, boundViolations);
        return new SimulationResult(summary, capacity);
    }

    private static Throughput Initial(TraceMinute first, ScalingSettings settings) => new(
        Math.Clamp((long)Math.Ceiling(first.Read / settings.Target), Math.Max(1, settings.Min.Read), settings.Max.Read),
        Math.Clamp((long)Math.Ceiling(first.Write / settings.Target), Math.Max(1, settings.Min.Write), settings.Max.Write));

    private static void Append(List<MinuteSample> history, MinuteSample sample)
    {
        if (history.Count == HistoryMinutes)
        {
            history.RemoveAt(0);
        }

        history.Add(sample);
    }
}
