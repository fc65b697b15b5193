using Pipeline.Core.Scaling;

namespace Pipeline.Core.Tests.Scaling;

public class PipelineScalingPolicyTests
{
    private readonly PipelineScalingPolicy _policy = new();

    [Fact]
    public void Decide_WhenOnDemand_ShouldLeaveTheTableAlone()
    {
        var state = States.Table(new(10, 10), States.Flat(500), States.Flat(500), billing: BillingMode.PayPerRequest);
        Assert.False(_policy.Decide(state, States.Settings).Changes);
    }

    [Fact]
    public void Decide_WhenUpdating_ShouldWait()
    {
        var state = States.Table(new(10, 10), States.Flat(500), States.Flat(500), status: ThroughputStatus.Updating);
        var decision = _policy.Decide(state, States.Settings);
        Assert.Null(decision.Next);
        Assert.Contains("Updating", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_WhenThrottled_ShouldSizeFromConsumedPlusThrottledInOneStep()
    {
        // Capped at 100 consumed, 6000 requests throttled in the minute: demand was 200 units/s.
        var reads = States.Flat(50);
        reads[^1] = 100;
        var throttles = new double[60];
        throttles[^1] = 6000;
        var state = States.Table(new(100, 10), reads, States.Flat(5), throttles);

        var decision = _policy.Decide(state, States.Settings);

        Assert.Equal(new Throughput((long)Math.Ceiling(200 / 0.7), 10), decision.Next);
    }

    [Fact]
    public void Decide_WhenDemandSitsAtTarget_ShouldNotUpdate()
    {
        var state = States.Table(new(100, 100), States.Flat(70), States.Flat(65));
        var decision = _policy.Decide(state, States.Settings);
        Assert.False(decision.Changes);
        Assert.Null(decision.Next);
    }

    [Fact]
    public void Decide_WhenDemandDroppedAndDecreasesBanked_ShouldScaleBothDimensionsInOneDecrease()
    {
        var state = States.Table(new(1000, 1000), States.Flat(70), States.Flat(7));
        var decision = _policy.Decide(state, States.Settings);
        Assert.True(decision.Decreases);
        Assert.Equal(new Throughput(100, 10), decision.Next);
    }

    [Fact]
    public void Decide_WhenNoDecreaseLeftThisHour_ShouldKeepTheCapacity()
    {
        var state = States.Table(new(1000, 1000), States.Flat(70), States.Flat(7),
            decreasesToday: 4, lastDecrease: States.Noon.AddMinutes(-10));
        var decision = _policy.Decide(state, States.Settings);
        Assert.Null(decision.Next);
    }

    [Fact]
    public void Decide_WhenBelowTheManifestMinimum_ShouldRaiseToIt()
    {
        var settings = States.Settings with { Min = new Throughput(50, 20) };
        var state = States.Table(new(10, 10), States.Flat(1), States.Flat(1));
        Assert.Equal(new Throughput(50, 20), _policy.Decide(state, settings).Next);
    }

    [Fact]
    public void Decide_WhenDemandExceedsTheMaximum_ShouldStopAtIt()
    {
        var settings = States.Settings with { Max = new Throughput(300, 300) };
        var state = States.Table(new(100, 100), States.Flat(1000), States.Flat(10));
        Assert.Equal(new Throughput(300, 100), _policy.Decide(state, settings).Next);
    }

    [Fact]
    public void Decide_ForAnyState_ShouldRespectQuotaBoundsAndNeverRepeatTheCurrentValue()
    {
        var settings = Gen.Select(Gen.Long[1, 50], Gen.Long[1, 50], Gen.Long[0, 2000], Gen.Long[0, 2000], Gen.Double[20, 90])
            .Select((minR, minW, spanR, spanW, target) => new ScalingSettings(
                new Throughput(minR, minW), new Throughput(minR + spanR, minW + spanW), target));
        var series = Gen.Double[0, 3000].Array[0, 60];
        var state = Gen.Select(Gen.Long[1, 4000], Gen.Long[1, 4000], series, series, Gen.Int[0, 27], Gen.Int[0, 750])
            .Select((r, w, reads, writes, count, lastMinute) => new ThroughputState(
                "t", null, BillingMode.Provisioned, ThroughputStatus.Active, new Throughput(r, w), count,
                count == 0 ? null : States.Noon.AddMinutes(-lastMinute),
                reads.Select(x => new MinuteSample(x, x > 1500 ? x : 0)).ToArray(),
                writes.Select(x => new MinuteSample(x, 0)).ToArray(), States.Noon));

        Gen.Select(state, settings).Sample((s, limits) =>
        {
            var decision = _policy.Decide(s, limits);
            if (decision.Next is not { } next)
            {
                return true;
            }

            var current = s.Provisioned;
            var unchanged = next == current;
            var quotaOk = !next.IsDecreaseFrom(current)
                || DecreaseQuota.SafeAvailable(s.DecreasesToday, s.LastDecrease, s.Now) > 0;
            var boundsOk = InBoundsOrUntouched(next.Read, current.Read, limits.Min.Read, limits.Max.Read)
                && InBoundsOrUntouched(next.Write, current.Write, limits.Min.Write, limits.Max.Write);
            return !unchanged && quotaOk && boundsOk && next.Read >= 1 && next.Write >= 1;
        });
    }

    // A value the policy changed lands within min/max; one it left alone may still lie outside
    // (lowering it would have needed a decrease the quota did not allow).
    private static bool InBoundsOrUntouched(long next, long current, long min, long max) =>
        next == current || (next >= min && next <= max);
}
