namespace Pipeline.Core.Scaling;

/// <summary>
/// What one dimension (reads or writes) really asked for, minute by minute: what was consumed plus
/// what was throttled. Throttle events count requests, so they stand in for units: a throttled
/// request of several units is undercounted, a client retry overcounted, and both are far closer
/// to the unmet demand than target tracking's view, which sees only the capped consumption.
/// </summary>
internal static class DemandEstimate
{
    public static double[] Series(IReadOnlyList<MinuteSample> samples)
    {
        var demand = new double[samples.Count];
        for (var i = 0; i < samples.Count; i++)
        {
            demand[i] = Math.Max(0, samples[i].Consumed) + (Math.Max(0, samples[i].ThrottleEvents) / 60.0);
        }

        return demand;
    }

    /// <summary>Least-squares slope (units per second, per minute) of the last <paramref name="points"/> minutes.</summary>
    public static double Slope(double[] demand, int points)
    {
        var n = Math.Min(points, demand.Length);
        if (n < 2)
        {
            return 0;
        }

        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var i = 0; i < n; i++)
        {
            double x = i, y = demand[demand.Length - n + i];
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }

        return ((n * sxy) - (sx * sy)) / ((n * sxx) - (sx * sx));
    }

    /// <summary>The highest demand of the last <paramref name="minutes"/> minutes.</summary>
    public static double Peak(double[] demand, int minutes)
    {
        var peak = 0.0;
        for (var i = Math.Max(0, demand.Length - minutes); i < demand.Length; i++)
        {
            peak = Math.Max(peak, demand[i]);
        }

        return peak;
    }

    /// <summary>True when every one of the last <paramref name="minutes"/> minutes is known.</summary>
    public static bool Covers(double[] demand, int minutes) => demand.Length >= minutes;
}
