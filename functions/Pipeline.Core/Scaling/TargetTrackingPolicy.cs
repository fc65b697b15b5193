namespace Pipeline.Core.Scaling;

/// <summary>
/// AWS Application Auto Scaling target tracking for DynamoDB, as documented, for the simulator's
/// baseline: a high alarm after 2 consecutive minutes whose consumed/provisioned is above the target
/// scales out to consumed/target; a low alarm after 15 consecutive minutes below the target minus
/// 20 points scales in to consumed/target. Each dimension has its own alarms (AWS registers one
/// scalable target per dimension); when both scale in at the same minute the baseline is charged one
/// decrease, not two, which flatters it. An action resets that dimension's alarm; a scale-in the
/// quota refuses stays pending.
/// </summary>
/// <remarks>
/// Stateful (the alarms remember their consecutive datapoints), so one instance per table. It is
/// given the exact decrease quota, which is what the AWS service would run into.
/// </remarks>
public sealed class TargetTrackingPolicy(Func<DateTimeOffset, int> decreasesAvailable) : IScalingPolicy
{
    private const int OutMinutes = 2;
    private const int InMinutes = 15;
    private const double InMarginPoints = 20;

    private readonly Alarm _read = new();
    private readonly Alarm _write = new();
    private Throughput? _lastSeen;

    public ScalingDecision Decide(ThroughputState state, ScalingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(settings);
        var current = state.Provisioned;
        if (state.Billing == BillingMode.PayPerRequest || state.Status != ThroughputStatus.Active)
        {
            return ScalingDecision.Keep(current, "not active or on-demand");
        }

        // The last sample was served by the capacity seen at the previous tick.
        var served = _lastSeen ?? current;
        _lastSeen = current;
        if (state.Reads.Count == 0 || state.Writes.Count == 0)
        {
            return ScalingDecision.Keep(current, "no datapoints");
        }

        var read = _read.Step(state.Reads[^1].Consumed, served.Read, current.Read, settings, settings.Min.Read, settings.Max.Read);
        var write = _write.Step(state.Writes[^1].Consumed, served.Write, current.Write, settings, settings.Min.Write, settings.Max.Write);
        var next = new Throughput(read, write);
        if (next.IsDecreaseFrom(current) && decreasesAvailable(state.Now) == 0)
        {
            // Refused by the quota: keep the increases, retry the decreases next minute.
            next = new Throughput(Math.Max(read, current.Read), Math.Max(write, current.Write));
            if (read < current.Read)
            {
                _read.KeepPending();
            }

            if (write < current.Write)
            {
                _write.KeepPending();
            }
        }

        return next == current
            ? ScalingDecision.Keep(current, "within target")
            : new ScalingDecision(current, next, "target tracking alarm");
    }

    private sealed class Alarm
    {
        private int _above;
        private int _below;

        public long Step(double consumed, long served, long current, ScalingSettings settings, long min, long max)
        {
            var utilisation = served <= 0 ? 0 : consumed / served * 100;
            _above = utilisation > settings.TargetPercent ? _above + 1 : 0;
            _below = utilisation < settings.TargetPercent - InMarginPoints ? _below + 1 : 0;
            var wanted = Math.Max(1, Math.Min(Math.Max((long)Math.Ceiling(consumed / settings.Target), min), max));
            if (_above >= OutMinutes && wanted > current)
            {
                _above = 0;
                return wanted;
            }

            if (_below >= InMinutes && wanted < current)
            {
                _below = 0;
                return wanted;
            }

            return current;
        }

        public void KeepPending() => _below = InMinutes - 1;
    }
}
