using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Pipeline.Core.Routing;

namespace Pipeline.Aws.Routing;

/// <summary>
/// The routes sequence as one item of a DynamoDB table: every write is an UpdateItem whose
/// condition names the lease token, which DynamoDB (and dynalite) enforce atomically.
/// </summary>
/// <param name="itemKey">The primary key of the item in <paramref name="tableName"/>, whatever the table's key schema.</param>
public sealed class DynamoDbRoutesSequence(IAmazonDynamoDB dynamo, string tableName, IReadOnlyDictionary<string, AttributeValue> itemKey)
    : IRoutesSequence
{
    /// <summary>The registry item that serializes the HAProxy routes publications: the one place its key is written.</summary>
    public static IReadOnlyDictionary<string, AttributeValue> HaproxyKey { get; } = new Dictionary<string, AttributeValue>
    {
        ["pk"] = new() { S = "ROUTES#haproxy" },
        ["sk"] = new() { S = "SEQUENCE" },
    };

    public async Task<RoutesLease?> TryAcquireAsync(string token, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken)
    {
        try
        {
            var response = await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = tableName,
                Key = Key(),
                UpdateExpression = "SET leaseToken = :token, leaseExpiresAt = :expires",
                ConditionExpression = "attribute_not_exists(leaseToken) OR leaseExpiresAt < :now",
                ExpressionAttributeValues = new()
                {
                    [":token"] = new() { S = token },
                    [":expires"] = Number((now + ttl).ToUnixTimeMilliseconds()),
                    [":now"] = Number(now.ToUnixTimeMilliseconds()),
                },
                ReturnValues = ReturnValue.ALL_NEW,
            }, cancellationToken);
            return new RoutesLease(token, ReadHead(response.Attributes));
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
    }

    public async Task<long> ReserveNumberAsync(RoutesLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var response = await Guarded(lease, new UpdateItemRequest
        {
            UpdateExpression = "SET lastNumber = if_not_exists(lastNumber, :zero) + :one",
            ExpressionAttributeValues = new() { [":zero"] = Number(0), [":one"] = Number(1) },
            ReturnValues = ReturnValue.UPDATED_NEW,
        }, cancellationToken);
        return long.Parse(response.Attributes["lastNumber"].N, CultureInfo.InvariantCulture);
    }

    public async Task CommitAsync(RoutesLease lease, RoutesPointer current, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(current);
        var values = new Dictionary<string, AttributeValue>
        {
            [":version"] = Number(current.Version),
            [":sha"] = new() { S = current.Sha256 },
            [":key"] = new() { S = current.Key },
        };
        string update;
        if (current.Previous is { } previous)
        {
            values[":pversion"] = Number(previous.Version);
            values[":psha"] = new() { S = previous.Sha256 };
            values[":pkey"] = new() { S = previous.Key };
            update = "SET headVersion = :version, headSha256 = :sha, headKey = :key, "
                + "previousVersion = :pversion, previousSha256 = :psha, previousKey = :pkey REMOVE leaseToken, leaseExpiresAt";
        }
        else
        {
            update = "SET headVersion = :version, headSha256 = :sha, headKey = :key "
                + "REMOVE previousVersion, previousSha256, previousKey, leaseToken, leaseExpiresAt";
        }

        await Guarded(lease, new UpdateItemRequest { UpdateExpression = update, ExpressionAttributeValues = values }, cancellationToken);
    }

    public async Task ReleaseAsync(RoutesLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        try
        {
            await Guarded(lease, new UpdateItemRequest { UpdateExpression = "REMOVE leaseToken, leaseExpiresAt" }, cancellationToken);
        }
        catch (RoutesLeaseLostException)
        {
            // Someone else holds it now: there is nothing of ours to give back.
        }
    }

    private async Task<UpdateItemResponse> Guarded(RoutesLease lease, UpdateItemRequest request, CancellationToken cancellationToken)
    {
        request.TableName = tableName;
        request.Key = Key();
        request.ConditionExpression = "leaseToken = :token";
        request.ExpressionAttributeValues ??= [];
        request.ExpressionAttributeValues[":token"] = new() { S = lease.Token };
        try
        {
            return await dynamo.UpdateItemAsync(request, cancellationToken);
        }
        catch (ConditionalCheckFailedException e)
        {
            throw new RoutesLeaseLostException($"the routes lease {lease.Token} expired and was taken by another publisher", e);
        }
    }

    private static RoutesPointer? ReadHead(Dictionary<string, AttributeValue>? item)
    {
        if (item is null || !item.TryGetValue("headVersion", out var version))
        {
            return null;
        }

        RoutesRevision? previous = item.TryGetValue("previousVersion", out var pv)
            ? new RoutesRevision(ParseLong(pv), item["previousSha256"].S, item["previousKey"].S)
            : null;
        return new RoutesPointer(ParseLong(version), item["headSha256"].S, item["headKey"].S, previous);
    }

    private Dictionary<string, AttributeValue> Key() => new(itemKey);

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private static long ParseLong(AttributeValue value) => long.Parse(value.N, CultureInfo.InvariantCulture);
}
