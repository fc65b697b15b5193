namespace Pipeline.Benchmarks;

/// <summary>Order statistics of a set of timings, in milliseconds.</summary>
internal sealed record Stats(int Count, double Min, double P50, double P90, double P99, double Max, double Mean)
{
    public static Stats Of(IReadOnlyCollection<double> samples)
    {
        var sorted = samples.Order().ToArray();
        double At(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return new Stats(sorted.Length, sorted[0], At(0.50), At(0.90), At(0.99), sorted[^1], sorted.Average());
    }
}
