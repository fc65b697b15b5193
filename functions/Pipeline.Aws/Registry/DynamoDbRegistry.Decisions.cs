using Amazon.DynamoDBv2.Model;
using Pipeline.Core.Scaling;
using static Pipeline.Aws.Registry.RegistryItems;

namespace Pipeline.Aws.Registry;

/// <summary>The scaler's decisions, one item each under the table's partition, expiring after <see cref="DecisionLifetime"/>.</summary>
public sealed partial class DynamoDbRegistry : IScalingDecisions
{
    /// <summary>How long a decision is kept: the dashboard shows the last hour, an operator may look back a day.</summary>
    public static readonly TimeSpan DecisionLifetime = TimeSpan.FromDays(2);

    public async Task RecordAsync(IReadOnlyList<RecordedDecision> decisions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        var sequence = 0;
        foreach (var d in decisions)
        {
            var r = d.Record;
            var item = new Dictionary<string, AttributeValue>
            {
                [Pk] = S(DecisionPartition(r.Table)),
                // The time first so a range query reads a window; the index and a sequence keep same-instant decisions apart.
                [Sk] = S($"{Stamp(d.At)}#{r.Index ?? ""}#{sequence++:D3}"),
                ["table"] = S(r.Table),
                ["at"] = Time(d.At),
                ["why"] = S(r.Why),
                ["outcome"] = S(r.Outcome),
                ["oldRead"] = N(r.Old.Read),
                ["oldWrite"] = N(r.Old.Write),
                [TimeToLiveAttribute] = N((d.At + DecisionLifetime).ToUnixTimeSeconds()),
            };
            if (r.Index is not null)
            {
                item["index"] = S(r.Index);
            }

            if (r.New is { } next)
            {
                item["newRead"] = N(next.Read);
                item["newWrite"] = N(next.Write);
            }

            await DynamoDb.PutItemAsync(new PutItemRequest { TableName = TableName, Item = item }, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<RecordedDecision>> ListAsync(string table, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await DynamoDb.QueryAsync(new QueryRequest
            {
                TableName = TableName,
                KeyConditionExpression = "pk = :pk AND sk >= :since",
                ExpressionAttributeValues = new() { [":pk"] = S(DecisionPartition(table)), [":since"] = S(Stamp(since)) },
                ExclusiveStartKey = start,
            }, cancellationToken);
            items.AddRange(page.Items ?? []);
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);

        return items.Select(i => new RecordedDecision(When(i, "at"), new ScalingRecord(
            Str(i, "table"), OptStr(i, "index"), new Throughput(Num(i, "oldRead"), Num(i, "oldWrite")),
            i.ContainsKey("newRead") ? new Throughput(Num(i, "newRead"), Num(i, "newWrite")) : null,
            Str(i, "why"), Str(i, "outcome")))).ToList();
    }

    /// <summary>The registry table's TTL attribute (epoch seconds), which DynamoDB deletes items by.</summary>
    public const string TimeToLiveAttribute = "expiresAt";

    private static string DecisionPartition(string table) => $"SCALING#{table}";

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
