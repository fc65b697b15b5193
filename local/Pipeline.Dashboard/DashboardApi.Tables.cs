using Pipeline.Core.Registry;
using Pipeline.Core.Scaling;

namespace Pipeline.Dashboard;

/// <summary>
/// Tables: per table and index, provisioned vs consumed capacity and throttles over the last hour
/// (the same metrics ScaleTables reads), the scaler's recorded decisions, and the decrease quota left today.
/// </summary>
internal sealed partial class DashboardApi
{
    public const int ChartMinutes = 60;

    private async Task<JsonNode> TablesAsync(CancellationToken cancel)
    {
        var owned = await sources.Registry.ListOwnedTablesAsync(cancel);
        var now = sources.Clock.GetUtcNow();
        var tables = new JsonObject[owned.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, owned.Count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancel },
            async (i, c) => tables[i] = await TableAsync(owned[i], now, c));
        return new JsonObject
        {
            ["now"] = Epoch(now),
            ["tables"] = new JsonArray([.. tables.Select(t => (JsonNode)t)]),
        };
    }

    private async Task<JsonObject> TableAsync(OwnedTable table, DateTimeOffset now, CancellationToken cancel)
    {
        var json = new JsonObject
        {
            ["table"] = table.TableName,
            ["service"] = table.Service,
            ["logicalName"] = table.LogicalName,
            ["onDemand"] = table.OnDemand,
            ["bounds"] = new JsonObject { ["minRead"] = table.MinRead, ["maxRead"] = table.MaxRead, ["minWrite"] = table.MinWrite, ["maxWrite"] = table.MaxWrite },
            ["targetUtilization"] = table.TargetUtilization,
        };
        var description = await sources.Tables.DescribeAsync(table.TableName, cancel);
        if (description is null)
        {
            json["problem"] = "the table does not exist";
            return json;
        }

        // The minutes GetMetricData answers for: the last complete ones before now, oldest first.
        var end = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddMinutes(-1);
        var start = end.AddMinutes(-ChartMinutes);
        var history = table.OnDemand ? new Dictionary<string, ThroughputHistory>()
            : await sources.Metrics.GetAsync(table.TableName, table.Indexes, now, ChartMinutes, cancel);
        var decisions = await sources.Registry.ListAsync(table.TableName, start, cancel);
        json["minutes"] = new JsonArray([.. Enumerable.Range(0, ChartMinutes).Select(i => (JsonNode)Epoch(start.AddMinutes(i)))]);
        json["targets"] = new JsonArray([.. description.Targets.Select(t => (JsonNode)new JsonObject
        {
            ["index"] = t.Index,
            ["status"] = t.Status.ToString().ToLowerInvariant(),
            ["provisionedRead"] = t.Provisioned.Read,
            ["provisionedWrite"] = t.Provisioned.Write,
            ["decreasesToday"] = t.DecreasesToday,
            ["decreasesLeft"] = DecreaseQuota.SafeAvailable(t.DecreasesToday, t.LastDecrease, now),
            ["consumedRead"] = Series(history.GetValueOrDefault(t.Index ?? "")?.Reads, s => s.Consumed),
            ["consumedWrite"] = Series(history.GetValueOrDefault(t.Index ?? "")?.Writes, s => s.Consumed),
            ["readThrottles"] = Series(history.GetValueOrDefault(t.Index ?? "")?.Reads, s => s.ThrottleEvents),
            ["writeThrottles"] = Series(history.GetValueOrDefault(t.Index ?? "")?.Writes, s => s.ThrottleEvents),
            ["decisions"] = new JsonArray([.. decisions.Where(d => d.Record.Index == t.Index).Select(d => (JsonNode)new JsonObject
            {
                ["at"] = Epoch(d.At),
                ["oldRead"] = d.Record.Old.Read,
                ["oldWrite"] = d.Record.Old.Write,
                ["newRead"] = d.Record.New?.Read,
                ["newWrite"] = d.Record.New?.Write,
                ["why"] = d.Record.Why,
                ["outcome"] = d.Record.Outcome,
            })]),
        })]);
        return json;
    }

    private static JsonArray Series(IReadOnlyList<MinuteSample>? samples, Func<MinuteSample, double> value) =>
        samples is null ? [] : new JsonArray([.. samples.Select(s => (JsonNode)Math.Round(value(s), 3))]);
}
