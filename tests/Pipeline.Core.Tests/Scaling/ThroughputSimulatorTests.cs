using Pipeline.Core.Scaling;
using Pipeline.Core.Scaling.Simulation;

namespace Pipeline.Core.Tests.Scaling;

public class ThroughputSimulatorTests
{
    private static readonly ScalingSettings Settings = new(new Throughput(1, 1), new Throughput(100_000, 100_000));

    [Fact]
    public void Run_WhenDemandStaysBelowCapacity_ShouldThrottleNothingAndBillEveryMinute()
    {
        var trace = Enumerable.Repeat(new TraceMinute(7, 7), 60).ToArray();
        var result = ThroughputSimulator.Run("fixed", trace, Settings, _ => new Fixed());

        Assert.Equal(0, result.Summary.ThrottledReadUnits);
        Assert.Equal(10, result.Summary.ReadCapacityUnitHours, 6);
        Assert.Equal((10 * ProvisionedPrices.ReadCapacityUnitHour) + (10 * ProvisionedPrices.WriteCapacityUnitHour), result.Summary.CostDollars, 9);
    }

    [Fact]
    public void Run_WhenDemandExceedsCapacity_ShouldServeFromBurstUpTo300SecondsOfUnusedCapacity()
    {
        // Capacity 10 (7 / 0.7). Ten idle minutes bank 300 s x 10 = 3000 units (capped), then one
        // minute asks for 100 units/s = 6000 units: 600 from capacity + 3000 burst, 2400 throttled.
        var trace = Enumerable.Repeat(new TraceMinute(7, 7), 1)
            .Concat(Enumerable.Repeat(new TraceMinute(0, 7), 10))
            .Append(new TraceMinute(100, 7)).ToArray();
        var result = ThroughputSimulator.Run("fixed", trace, Settings, _ => new Fixed());

        Assert.Equal(2400, result.Summary.ThrottledReadUnits, 6);
        Assert.Equal(0, result.Summary.ThrottledWriteUnits);
    }

    [Fact]
    public void Run_WhenPolicyChangesCapacity_ShouldTakeEffectOneMinuteAfterTheDecision()
    {
        var trace = Enumerable.Repeat(new TraceMinute(7, 7), 6).ToArray();
        var result = ThroughputSimulator.Run("step", trace, Settings, _ => new Fixed(atMinute: 3, to: new Throughput(20, 20)));

        Assert.Equal([10, 10, 10, 10, 20, 20], result.Capacity.Select(c => c.Read));
        Assert.Equal(1, result.Summary.Updates);
    }

    [Fact]
    public void Run_WhenPolicyDecreasesBeyondTheQuota_ShouldRefuseAndCountViolations()
    {
        var trace = Enumerable.Repeat(new TraceMinute(700, 700), 10).ToArray();
        var result = ThroughputSimulator.Run("greedy", trace, Settings, _ => new AlwaysDecrease());

        Assert.Equal(4, result.Summary.Updates);
        Assert.Equal(5, result.Summary.QuotaViolations);
        Assert.Equal(4, result.Summary.MaxDecreasesPerUtcDay);
    }

    [Fact]
    public void TargetTracking_WhenAboveTargetForTwoMinutes_ShouldScaleOutToConsumedOverTarget()
    {
        // 10 units/s served by 10 provisioned: 100% utilisation from minute 1.
        var trace = new[] { new TraceMinute(7, 7) }.Concat(Enumerable.Repeat(new TraceMinute(10, 7), 5)).ToArray();
        var result = ThroughputSimulator.Run("tt", trace, Settings, q => new TargetTrackingPolicy(q.Available));

        // Minutes 1 and 2 above target, decision at 3, effect at 4: ceil(10 / 0.7) = 15.
        Assert.Equal([10, 10, 10, 10, 15, 15], result.Capacity.Select(c => c.Read));
    }

    [Fact]
    public void TargetTracking_WhenBelowTargetMinus20For15Minutes_ShouldScaleIn()
    {
        var trace = new[] { new TraceMinute(70, 7) }.Concat(Enumerable.Repeat(new TraceMinute(14, 7), 20)).ToArray();
        var result = ThroughputSimulator.Run("tt", trace, Settings, q => new TargetTrackingPolicy(q.Available));

        // 14% utilisation from minute 1; the 15th such minute is 15, decision at 16, effect at 17.
        Assert.Equal(100, result.Capacity[16].Read);
        Assert.Equal(20, result.Capacity[17].Read);
    }

    [Fact]
    public void Run_ForAnyTrace_PipelinePolicyShouldNeverViolateTheQuotaOrTheBounds()
    {
        // Random walks with jumps: regime changes every few minutes stress the decrease budget.
        var trace = Gen.Select(Gen.Double[0, 2000], Gen.Double[0, 500], Gen.Int[1, 30]).Array[20, 120]
            .Select(segments => segments.SelectMany(s => Enumerable.Repeat(new TraceMinute(s.Item1, s.Item2), s.Item3)).ToArray());
        var limits = Gen.Select(Gen.Long[1, 100], Gen.Long[1, 100], Gen.Long[0, 3000])
            .Select((r, w, span) => new ScalingSettings(new Throughput(r, w), new Throughput(r + span, w + span)));

        Gen.Select(trace, limits).Sample((t, l) =>
        {
            var summary = ThroughputSimulator.Run("pipeline", t, l, _ => new PipelineScalingPolicy()).Summary;
            return summary.QuotaViolations == 0 && summary.BoundViolations == 0 && summary.MaxDecreasesPerUtcDay <= 27;
        }, iter: 200);
    }

    private sealed class Fixed(int atMinute = -1, Throughput to = default) : IScalingPolicy
    {
        public ScalingDecision Decide(ThroughputState state, ScalingSettings settings) =>
            (int)(state.Now - ThroughputSimulator.Start).TotalMinutes == atMinute
                ? new ScalingDecision(state.Provisioned, to, "test")
                : ScalingDecision.Keep(state.Provisioned, "test");
    }

    private sealed class AlwaysDecrease : IScalingPolicy
    {
        public ScalingDecision Decide(ThroughputState state, ScalingSettings settings) =>
            new(state.Provisioned, state.Provisioned with { Read = state.Provisioned.Read - 1 }, "test");
    }
}
