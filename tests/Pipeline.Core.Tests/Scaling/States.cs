using Pipeline.Core.Scaling;

namespace Pipeline.Core.Tests.Scaling;

/// <summary>Builds policy inputs for tests: a table with a flat or given history.</summary>
internal static class States
{
    public static readonly DateTimeOffset Noon = new(2026, 3, 2, 12, 30, 0, TimeSpan.Zero);

    public static readonly ScalingSettings Settings = new(new Throughput(1, 1), new Throughput(10_000, 10_000));

    public static ThroughputState Table(
        Throughput provisioned,
        double[] reads,
        double[] writes,
        double[]? readThrottles = null,
        int decreasesToday = 0,
        DateTimeOffset? lastDecrease = null,
        ThroughputStatus status = ThroughputStatus.Active,
        BillingMode billing = BillingMode.Provisioned) => new(
            "orders", null, billing, status, provisioned, decreasesToday, lastDecrease,
            Samples(reads, readThrottles), Samples(writes, null), Noon);

    public static double[] Flat(double value, int minutes = 60) => Enumerable.Repeat(value, minutes).ToArray();

    private static MinuteSample[] Samples(double[] consumed, double[]? throttles) =>
        consumed.Select((c, i) => new MinuteSample(c, throttles is null ? 0 : throttles[i])).ToArray();
}
