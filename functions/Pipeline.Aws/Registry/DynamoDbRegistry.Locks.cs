using Amazon.DynamoDBv2.Model;
using static Pipeline.Aws.Registry.RegistryItems;

namespace Pipeline.Aws.Registry;

/// <summary>Deploy locks: one item per lock, held by an execution, and the record of operators' breaks beside it.</summary>
public sealed partial class DynamoDbRegistry
{
    private const string BreakPrefix = "BREAK#";

    public async Task<LockLease?> TryAcquireLockAsync(string name, string owner, TimeSpan lease, CancellationToken cancel = default)
    {
        var now = _time.GetUtcNow();
        var acquired = new LockLease(name, owner, now, now + lease);
        return await PutLockAsync(acquired, null,
            "attribute_not_exists(pk) OR expiresAt < :now OR #owner = :owner",
            new() { [":now"] = N(now.ToUnixTimeMilliseconds()), [":owner"] = S(owner) }, cancel) ? acquired : null;
    }

    public async Task<LockLease?> TakeOverLockAsync(string name, string endedOwner, string owner, TimeSpan lease, CancellationToken cancel = default)
    {
        var now = _time.GetUtcNow();
        var taken = new LockLease(name, owner, now, now + lease, endedOwner);
        return await PutLockAsync(taken, endedOwner, "#owner = :ended", new() { [":ended"] = S(endedOwner) }, cancel) ? taken : null;
    }

    public async Task<bool> ReleaseLockAsync(string name, string owner, CancellationToken cancel = default) =>
        await DeleteLockAsync(name, owner, cancel);

    public async Task<LockLease?> GetLockAsync(string name, CancellationToken cancel = default)
    {
        var item = await GetAsync(LockPartition(name), LockSort, cancel);
        return item is null ? null : ToLease(item);
    }

    public async Task<bool> BreakLockAsync(LockBreak record, CancellationToken cancel = default)
    {
        if (!await DeleteLockAsync(record.Name, record.Owner, cancel))
        {
            return false;
        }

        // After the delete, so a break that did not happen is never recorded. The sort key orders
        // breaks by time; the owner in it keeps two breaks in the same millisecond apart.
        await DynamoDb.PutItemAsync(new PutItemRequest
        {
            TableName = TableName,
            Item = new()
            {
                [Pk] = S(LockPartition(record.Name)),
                [Sk] = S(BreakPrefix + record.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) + "#" + record.Owner),
                ["name"] = S(record.Name),
                ["owner"] = S(record.Owner),
                ["by"] = S(record.By),
                ["reason"] = S(record.Reason),
                ["at"] = Time(record.At),
            },
        }, cancel);
        return true;
    }

    public async Task<IReadOnlyList<LockBreak>> ListLockBreaksAsync(string name, CancellationToken cancel = default) =>
        (await QueryAsync(LockPartition(name), BreakPrefix, forward: true, cancel))
            .Select(item => new LockBreak(Str(item, "name"), Str(item, "owner"), Str(item, "by"), Str(item, "reason"), When(item, "at")))
            .ToList();

    private async Task<bool> PutLockAsync(LockLease lease, string? takenOverFrom, string condition,
        Dictionary<string, AttributeValue> values, CancellationToken cancel)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            [Pk] = S(LockPartition(lease.Name)),
            [Sk] = S(LockSort),
            ["name"] = S(lease.Name),
            ["owner"] = S(lease.Owner),
            ["acquiredAt"] = Time(lease.AcquiredAt),
            ["expiresAt"] = N(lease.ExpiresAt.ToUnixTimeMilliseconds()),
        };
        if (takenOverFrom is not null)
        {
            item["takenOverFrom"] = S(takenOverFrom);
        }

        try
        {
            await DynamoDb.PutItemAsync(new PutItemRequest
            {
                TableName = TableName,
                Item = item,
                ConditionExpression = condition,
                ExpressionAttributeNames = new() { ["#owner"] = "owner" },
                ExpressionAttributeValues = values,
            }, cancel);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private async Task<bool> DeleteLockAsync(string name, string owner, CancellationToken cancel)
    {
        try
        {
            await DynamoDb.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = TableName,
                Key = Key(LockPartition(name), LockSort),
                ConditionExpression = "#owner = :owner",
                ExpressionAttributeNames = new() { ["#owner"] = "owner" },
                ExpressionAttributeValues = new() { [":owner"] = S(owner) },
            }, cancel);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }
}
