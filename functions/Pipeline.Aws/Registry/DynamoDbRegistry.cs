using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using static Pipeline.Aws.Registry.RegistryItems;

namespace Pipeline.Aws.Registry;

/// <summary>
/// <see cref="IRegistry"/> over one DynamoDB table (single-table design, see README.md here).
/// Only single-item conditional writes are used: they are atomic on DynamoDB and dynalite alike,
/// whereas transactions are not available on dynalite.
/// </summary>
public sealed partial class DynamoDbRegistry(IAmazonDynamoDB dynamoDb, string tableName, TimeProvider? time = null)
    : IRegistry
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string TableName { get; } = tableName;

    /// <summary>The client under the registry, for the adapters that share its table (routes, targets, sequences).</summary>
    public IAmazonDynamoDB DynamoDb { get; } = dynamoDb;

    /// <summary>Creates the registry table if absent and waits until it is ACTIVE (local stacks and tests).</summary>
    public static async Task EnsureTableAsync(IAmazonDynamoDB dynamoDb, string tableName, CancellationToken cancel = default)
    {
        try
        {
            await dynamoDb.CreateTableAsync(new CreateTableRequest
            {
                TableName = tableName,
                KeySchema = [new KeySchemaElement(Pk, KeyType.HASH), new KeySchemaElement(Sk, KeyType.RANGE)],
                AttributeDefinitions = [new AttributeDefinition(Pk, ScalarAttributeType.S), new AttributeDefinition(Sk, ScalarAttributeType.S)],
                BillingMode = BillingMode.PAY_PER_REQUEST,
            }, cancel);
        }
        catch (ResourceInUseException)
        {
            // Already there: creating is idempotent for callers.
        }

        while ((await dynamoDb.DescribeTableAsync(tableName, cancel)).Table.TableStatus != TableStatus.ACTIVE)
        {
            await Task.Delay(50, cancel);
        }
    }

    public async Task<ServiceRecord?> GetServiceAsync(string service, CancellationToken cancel = default)
    {
        var item = await GetAsync(ServicesPartition, service, cancel);
        return item is null ? null : ToService(item);
    }

    public async Task<IReadOnlyList<ServiceRecord>> ListServicesAsync(CancellationToken cancel = default) =>
        (await QueryAsync(ServicesPartition, null, forward: true, cancel)).Select(ToService).ToList();

    public async Task<CounterAllocation> AllocateCountAsync(string service, string executionId, CancellationToken cancel = default)
    {
        try
        {
            var response = await DynamoDb.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = TableName,
                Key = Key(ServicePartition(service), CounterSort),
                UpdateExpression = "ADD #value :one SET lastExecution = :execution",
                ConditionExpression = "attribute_not_exists(lastExecution) OR lastExecution <> :execution",
                ExpressionAttributeNames = new() { ["#value"] = "value" },
                ExpressionAttributeValues = new() { [":one"] = N(1), [":execution"] = S(executionId) },
                ReturnValues = ReturnValue.UPDATED_NEW,
            }, cancel);
            return new CounterAllocation(Num(response.Attributes, "value"), Reused: false);
        }
        catch (ConditionalCheckFailedException)
        {
            // This execution was the last one given a count: a retry gets the same value back.
            return new CounterAllocation(await GetCountAsync(service, cancel), Reused: true);
        }
    }

    public async Task<long> GetCountAsync(string service, CancellationToken cancel = default)
    {
        var item = await GetAsync(ServicePartition(service), CounterSort, cancel);
        return item is null ? 0 : Num(item, "value");
    }

    public async Task<VersionRecord> RecordVersionAsync(VersionRecord version, CancellationToken cancel = default)
    {
        try
        {
            await DynamoDb.PutItemAsync(new PutItemRequest
            {
                TableName = TableName,
                Item = ToItem(version),
                ConditionExpression = "attribute_not_exists(pk)",
            }, cancel);
        }
        catch (ConditionalCheckFailedException)
        {
            var existing = await GetAsync(ServicePartition(version.Service), VersionSort(version.Count), cancel);
            return ToVersion(existing ?? throw new RegistryConflictException(
                $"Version {version.Count} of {version.Service} vanished while being recorded."));
        }

        await AdvanceLatestAsync(version, cancel);
        return version;
    }

    /// <summary>The service's latest only moves forward: a slower, older recorder loses quietly.</summary>
    private async Task AdvanceLatestAsync(VersionRecord version, CancellationToken cancel)
    {
        try
        {
            await DynamoDb.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = TableName,
                Key = Key(ServicesPartition, version.Service),
                UpdateExpression = "SET manifestYaml = :yaml, manifestHash = :hash, latestLabel = :label, " +
                                   "latestCount = :count, updatedAt = :now",
                ConditionExpression = "attribute_not_exists(latestCount) OR latestCount < :count",
                ExpressionAttributeValues = new()
                {
                    [":yaml"] = S(version.ManifestYaml),
                    [":hash"] = S(version.ManifestHash),
                    [":label"] = S(version.Label),
                    [":count"] = N(version.Count),
                    [":now"] = Time(_time.GetUtcNow()),
                },
            }, cancel);
        }
        catch (ConditionalCheckFailedException)
        {
            // A higher count is already latest.
        }
    }

    public async Task<VersionRecord?> GetVersionAsync(string service, string label, CancellationToken cancel = default) =>
        (await QueryVersionsAsync(service, "label", label, cancel)).FirstOrDefault();

    public async Task<VersionRecord?> FindVersionByExecutionAsync(string service, string executionId, CancellationToken cancel = default) =>
        (await QueryVersionsAsync(service, "executionId", executionId, cancel)).FirstOrDefault();

    public async Task<IReadOnlyList<VersionRecord>> ListVersionsAsync(string service, CancellationToken cancel = default) =>
        (await QueryAsync(ServicePartition(service), VersionPrefix, forward: false, cancel)).Select(ToVersion).ToList();

    public async Task<VersionRecord?> GetLiveVersionAsync(string service, CancellationToken cancel = default)
    {
        var record = await GetServiceAsync(service, cancel);
        return record?.LiveLabel is { } live ? await GetVersionAsync(service, live, cancel) : null;
    }

    public async Task<bool> MarkLiveAsync(string service, string label, string? expectedLive, CancellationToken cancel = default)
    {
        var version = await GetVersionAsync(service, label, cancel)
            ?? throw new RegistryConflictException($"{service} has no version {label}.");
        try
        {
            // The pointer is the contested part: move it first, conditionally.
            await DynamoDb.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = TableName,
                Key = Key(ServicesPartition, service),
                UpdateExpression = "SET liveLabel = :label, updatedAt = :now",
                ConditionExpression = expectedLive is null
                    ? "attribute_exists(pk) AND attribute_not_exists(liveLabel)"
                    : "liveLabel = :expected",
                ExpressionAttributeValues = WithExpected(new()
                {
                    [":label"] = S(label),
                    [":now"] = Time(_time.GetUtcNow()),
                }, expectedLive),
            }, cancel);
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }

        await SetStatusAsync(service, version.Count, VersionStatus.Live, null, cancel);
        if (expectedLive is not null && expectedLive != label
            && await GetVersionAsync(service, expectedLive, cancel) is { } previous)
        {
            await SetStatusAsync(service, previous.Count, VersionStatus.Retired, VersionStatus.Live, cancel);
        }

        return true;
    }

    public async Task<bool> ClearLiveAsync(string service, string expectedLive, CancellationToken cancel = default)
    {
        try
        {
            await DynamoDb.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = TableName,
                Key = Key(ServicesPartition, service),
                UpdateExpression = "REMOVE liveLabel SET updatedAt = :now",
                ConditionExpression = "liveLabel = :expected",
                ExpressionAttributeValues = WithExpected(new() { [":now"] = Time(_time.GetUtcNow()) }, expectedLive),
            }, cancel);
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }

        if (await GetVersionAsync(service, expectedLive, cancel) is { } version)
        {
            await SetStatusAsync(service, version.Count, VersionStatus.Retired, VersionStatus.Live, cancel);
        }

        return true;
    }

    public async Task<bool> SetVersionStatusAsync(string service, string label, VersionStatus expected, VersionStatus status,
        CancellationToken cancel = default)
    {
        var version = await GetVersionAsync(service, label, cancel);
        return version is not null && await SetStatusAsync(service, version.Count, status, expected, cancel);
    }

    private async Task<bool> SetStatusAsync(string service, long count, VersionStatus status, VersionStatus? expected,
        CancellationToken cancel)
    {
        try
        {
            await DynamoDb.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = TableName,
                Key = Key(ServicePartition(service), VersionSort(count)),
                UpdateExpression = "SET #status = :status, statusChangedAt = :now",
                ConditionExpression = expected is null ? "attribute_exists(pk)" : "#status = :expected",
                ExpressionAttributeNames = new() { ["#status"] = "status" },
                ExpressionAttributeValues = WithExpected(new()
                {
                    [":status"] = S(status.ToString()),
                    [":now"] = Time(_time.GetUtcNow()),
                }, expected?.ToString()),
            }, cancel);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private static Dictionary<string, AttributeValue> WithExpected(Dictionary<string, AttributeValue> values, string? expected)
    {
        if (expected is not null)
        {
            values[":expected"] = S(expected);
        }

        return values;
    }

    private async Task<List<VersionRecord>> QueryVersionsAsync(string service, string attribute, string value, CancellationToken cancel)
    {
        var versions = new List<VersionRecord>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await DynamoDb.QueryAsync(new QueryRequest
            {
                TableName = TableName,
                KeyConditionExpression = "pk = :pk AND begins_with(sk, :prefix)",
                FilterExpression = "#attribute = :value",
                ExpressionAttributeNames = new() { ["#attribute"] = attribute },
                ExpressionAttributeValues = new()
                {
                    [":pk"] = S(ServicePartition(service)),
                    [":prefix"] = S(VersionPrefix),
                    [":value"] = S(value),
                },
                ExclusiveStartKey = start,
            }, cancel);
            versions.AddRange((page.Items ?? []).Select(ToVersion));
            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);
        return versions;
    }

    private async Task<Dictionary<string, AttributeValue>?> GetAsync(string pk, string sk, CancellationToken cancel)
    {
        var response = await DynamoDb.GetItemAsync(new GetItemRequest
        {
            TableName = TableName,
            Key = Key(pk, sk),
            ConsistentRead = true,
        }, cancel);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    private async Task<List<Dictionary<string, AttributeValue>>> QueryAsync(string pk, string? prefix, bool forward,
        CancellationToken cancel)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var request = new QueryRequest
            {
                TableName = TableName,
                KeyConditionExpression = prefix is null ? "pk = :pk" : "pk = :pk AND begins_with(sk, :prefix)",
                ExpressionAttributeValues = new() { [":pk"] = S(pk) },
                ScanIndexForward = forward,
                ConsistentRead = true,
                ExclusiveStartKey = start,
            };
            if (prefix is not null)
            {
                request.ExpressionAttributeValues[":prefix"] = S(prefix);
            }

            var page = await DynamoDb.QueryAsync(request, cancel);
            items.AddRange(page.Items ?? []);
            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);
        return items;
    }
}
