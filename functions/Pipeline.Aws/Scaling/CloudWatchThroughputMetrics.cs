using Pipeline.Core.Scaling;

namespace Pipeline.Aws.Scaling;

/// <summary>
/// Reads DynamoDB's per-minute metrics for a table and its indexes in one GetMetricData call:
/// <c>ConsumedRead/WriteCapacityUnits</c> (Sum per minute / 60 = average units per second) and
/// <c>Read/WriteThrottleEvents</c> (Sum), dimensions <c>TableName</c> and <c>GlobalSecondaryIndexName</c>.
/// A minute without a datapoint had no traffic (DynamoDB publishes nothing for idle minutes); the
/// current minute and the one before it are left out because CloudWatch may not have them complete yet.
/// </summary>
public sealed class CloudWatchThroughputMetrics(CloudWatchClient client) : IThroughputMetrics
{
    public const string Namespace = "AWS/DynamoDB";

    private static readonly string[] Metrics =
        ["ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits", "ReadThrottleEvents", "WriteThrottleEvents"];

    public async Task<IReadOnlyDictionary<string, ThroughputHistory>> GetAsync(
        string table, IReadOnlyList<string> indexes, DateTimeOffset now, int minutes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(indexes);
        var end = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddMinutes(-1);
        var start = end.AddMinutes(-minutes);
        var targets = indexes.Prepend("").ToArray();
        var queries = new List<MetricDataQuery>();
        for (var t = 0; t < targets.Length; t++)
        {
            var dimensions = new List<Dimension> { new("TableName", table) };
            if (targets[t].Length > 0)
            {
                dimensions.Add(new Dimension("GlobalSecondaryIndexName", targets[t]));
            }

            for (var m = 0; m < Metrics.Length; m++)
            {
                queries.Add(new MetricDataQuery(Id(t, m), new MetricStat(new Metric(Namespace, Metrics[m], dimensions), 60, "Sum")));
            }
        }

        var results = await client.GetMetricDataAsync(
            new GetMetricDataRequest(queries, start, end, ScanBy: "TimestampAscending"), cancellationToken);
        var byId = results.ToDictionary(r => r.Id);
        var history = new Dictionary<string, ThroughputHistory>();
        for (var t = 0; t < targets.Length; t++)
        {
            var series = new double[Metrics.Length][];
            for (var m = 0; m < Metrics.Length; m++)
            {
                series[m] = new double[minutes];
                if (byId.TryGetValue(Id(t, m), out var result))
                {
                    Fill(series[m], result, start);
                }
            }

            history[targets[t]] = new ThroughputHistory(
                Enumerable.Range(0, minutes).Select(i => new MinuteSample(series[0][i] / 60, series[2][i])).ToArray(),
                Enumerable.Range(0, minutes).Select(i => new MinuteSample(series[1][i] / 60, series[3][i])).ToArray());
        }

        return history;
    }

    private static string Id(int target, int metric) => $"m{target}_{metric}";

    private static void Fill(double[] series, MetricDataResult result, DateTimeOffset start)
    {
        var times = result.Timestamps ?? [];
        var values = result.Values ?? [];
        for (var i = 0; i < Math.Min(times.Count, values.Count); i++)
        {
            var minute = (int)Math.Floor((times[i] - start).TotalMinutes);
            if (minute >= 0 && minute < series.Length)
            {
                series[minute] += values[i];
            }
        }
    }
}
