using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.S3;
using Amazon.S3.Model;

namespace Pipeline.Testing;

/// <summary>
/// Everything observable in the emulators, as sorted text lines: tables with their schema,
/// indexes, capacity and every item, and buckets with every object's key, size and ETag.
/// Taken before and after an operation that must change nothing, the two compare with
/// <c>Assert.Equal</c>, which shows the first differing line when they differ.
/// </summary>
public static class StoreSnapshot
{
    public static async Task<IReadOnlyList<string>> TakeAsync(
        IAmazonDynamoDB dynamoDb, IAmazonS3? s3 = null, Func<string, bool>? includeTable = null)
    {
        var lines = new List<string>();
        foreach (var table in await ListTablesAsync(dynamoDb))
        {
            if (includeTable is null || includeTable(table))
            {
                lines.AddRange(await TableLinesAsync(dynamoDb, table));
            }
        }

        if (s3 is not null)
        {
            lines.AddRange(await BucketLinesAsync(s3));
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static async Task<List<string>> ListTablesAsync(IAmazonDynamoDB dynamoDb)
    {
        var names = new List<string>();
        string? start = null;
        do
        {
            var page = await dynamoDb.ListTablesAsync(new ListTablesRequest { ExclusiveStartTableName = start });
            names.AddRange(page.TableNames ?? []);
            start = page.LastEvaluatedTableName;
        }
        while (start is not null);
        return names;
    }

    private static async Task<List<string>> TableLinesAsync(IAmazonDynamoDB dynamoDb, string table)
    {
        var description = (await dynamoDb.DescribeTableAsync(table)).Table;
        var lines = new List<string>
        {
            $"table {table} status={description.TableStatus} keys={Keys(description.KeySchema)} " +
            $"billing={description.BillingModeSummary?.BillingMode ?? "PROVISIONED"} " +
            $"capacity={Capacity(description.ProvisionedThroughput)}",
        };
        foreach (var index in description.GlobalSecondaryIndexes ?? [])
        {
            lines.Add($"table {table} index {index.IndexName} keys={Keys(index.KeySchema)} " +
                      $"capacity={Capacity(index.ProvisionedThroughput)}");
        }

        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await dynamoDb.ScanAsync(new ScanRequest { TableName = table, ExclusiveStartKey = start });
            lines.AddRange((page.Items ?? []).Select(item => $"table {table} item {Item(item)}"));
            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);
        return lines;
    }

    private static async Task<List<string>> BucketLinesAsync(IAmazonS3 s3)
    {
        var lines = new List<string>();
        foreach (var bucket in (await s3.ListBucketsAsync(new ListBucketsRequest())).Buckets ?? [])
        {
            lines.Add($"bucket {bucket.BucketName}");
            string? token = null;
            do
            {
                var page = await s3.ListObjectsV2Async(new ListObjectsV2Request
                {
                    BucketName = bucket.BucketName,
                    ContinuationToken = token,
                });
                lines.AddRange((page.S3Objects ?? []).Select(o =>
                    $"bucket {bucket.BucketName} object {o.Key} size={o.Size} etag={o.ETag}"));
                token = page.IsTruncated == true ? page.NextContinuationToken : null;
            }
            while (token is not null);
        }

        return lines;
    }

    private static string Keys(List<KeySchemaElement>? keys) =>
        string.Join(',', (keys ?? []).Select(k => $"{k.AttributeName}:{k.KeyType}"));

    private static string Capacity(ProvisionedThroughputDescription? capacity) =>
        capacity is null ? "none" : $"{capacity.ReadCapacityUnits}/{capacity.WriteCapacityUnits}";

    private static string Item(Dictionary<string, AttributeValue> item) =>
        "{" + string.Join(',', item.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={Value(p.Value)}")) + "}";

    private static string Value(AttributeValue value)
    {
        if (value.S is not null)
        {
            return "S:" + value.S;
        }

        if (value.N is not null)
        {
            return "N:" + value.N;
        }

        if (value.BOOL is not null)
        {
            return "BOOL:" + value.BOOL.Value.ToString(CultureInfo.InvariantCulture);
        }

        if (value.M is not null)
        {
            return "M:" + Item(value.M);
        }

        if (value.L is not null)
        {
            return "L:[" + string.Join(',', value.L.Select(Value)) + "]";
        }

        if (value.SS is not null)
        {
            return "SS:[" + string.Join(',', value.SS.Order(StringComparer.Ordinal)) + "]";
        }

        if (value.B is not null)
        {
            return "B:" + Convert.ToBase64String(value.B.ToArray());
        }

        return value.NULL == true ? "NULL" : "?";
    }
}
