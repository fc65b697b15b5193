namespace Pipeline.Local.Aws.DynamoDB;

/// <summary>The four DynamoDB metrics the proxy records, named as CloudWatch names them.</summary>
public static class DynamoDbMetrics
{
    public const string ConsumedRead = "ConsumedReadCapacityUnits";
    public const string ConsumedWrite = "ConsumedWriteCapacityUnits";
    public const string ReadThrottles = "ReadThrottleEvents";
    public const string WriteThrottles = "WriteThrottleEvents";

    public static bool IsKnown(string name) => name is ConsumedRead or ConsumedWrite or ReadThrottles or WriteThrottles;
}

/// <summary>
/// Per-minute sums of consumed capacity and throttle events, per table and index ("" for the table
/// itself), like CloudWatch's one-minute DynamoDB metrics. Minutes without activity have no datapoint.
/// </summary>
public sealed class UsageMeter
{
    private readonly ConcurrentDictionary<(string Table, string Index, string Metric, long Minute), double> _sums = new();

    public void Add(string table, string? index, string metric, DateTimeOffset at, double value) =>
        _sums.AddOrUpdate((table, index ?? "", metric, at.ToUnixTimeSeconds() / 60), value, (_, sum) => sum + value);

    /// <summary>Sums per <paramref name="periodSeconds"/> bucket in [start, end), oldest first.</summary>
    public IReadOnlyList<(DateTimeOffset Time, double Sum)> Query(
        string table, string? index, string metric, DateTimeOffset start, DateTimeOffset end, int periodSeconds)
    {
        var from = start.ToUnixTimeSeconds() / 60;
        var to = (end.ToUnixTimeSeconds() + 59) / 60;
        var perBucket = Math.Max(1, periodSeconds / 60);
        var buckets = new SortedDictionary<long, double>();
        foreach (var ((t, i, m, minute), sum) in _sums)
        {
            if (t == table && i == (index ?? "") && m == metric && minute >= from && minute < to)
            {
                var bucket = from + ((minute - from) / perBucket * perBucket);
                buckets[bucket] = buckets.GetValueOrDefault(bucket) + sum;
            }
        }

        return buckets.Select(b => (DateTimeOffset.FromUnixTimeSeconds(b.Key * 60), b.Value)).ToArray();
    }

    /// <summary>The total of one metric over all time, for tests and the dashboard.</summary>
    public double Total(string table, string? index, string metric) =>
        _sums.Where(e => e.Key.Table == table && e.Key.Index == (index ?? "") && e.Key.Metric == metric).Sum(e => e.Value);
}
