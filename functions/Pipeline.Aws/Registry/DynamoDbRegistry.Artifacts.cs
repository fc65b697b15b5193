using Amazon.DynamoDBv2.Model;
using static Pipeline.Aws.Registry.RegistryItems;

namespace Pipeline.Aws.Registry;

/// <summary>Artifact copies: one item per immutable artifact key, owned by the execution that copies it.</summary>
public sealed partial class DynamoDbRegistry
{
    public async Task<ArtifactCopy> ClaimArtifactCopyAsync(string key, string executionId, CancellationToken cancel = default)
    {
        try
        {
            await DynamoDb.PutItemAsync(new PutItemRequest
            {
                TableName = TableName,
                Item = new()
                {
                    [Pk] = S(ArtifactPartition(key)),
                    [Sk] = S(CopySort),
                    ["key"] = S(key),
                    ["executionId"] = S(executionId),
                    ["claimedAt"] = Time(_time.GetUtcNow()),
                },
                ConditionExpression = "attribute_not_exists(pk)",
            }, cancel);
            return new ArtifactCopy(key, executionId);
        }
        catch (ConditionalCheckFailedException)
        {
            var item = await GetAsync(ArtifactPartition(key), CopySort, cancel)
                ?? throw new RegistryConflictException($"the copy claim on {key} changed while it was read");
            var copy = new ArtifactCopy(key, Str(item, "executionId"), OptStr(item, "sha256"),
                item.TryGetValue("size", out var size) ? long.Parse(size.N, System.Globalization.CultureInfo.InvariantCulture) : null,
                OptStr(item, "versionId"));
            return copy.ExecutionId == executionId
                ? copy
                : throw new RegistryConflictException($"{key} is claimed by execution {copy.ExecutionId}, not {executionId}");
        }
    }

    public async Task CompleteArtifactCopyAsync(ArtifactCopy copy, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(copy);
        if (copy.Sha256 is null || copy.Size is null)
        {
            throw new ArgumentException("a completed copy has a digest and a size", nameof(copy));
        }

        var update = new UpdateItemRequest
        {
            TableName = TableName,
            Key = Key(ArtifactPartition(copy.Key), CopySort),
            UpdateExpression = "SET sha256 = :sha256, #size = :size" + (copy.VersionId is null ? "" : ", versionId = :versionId"),
            ConditionExpression = "executionId = :execution",
            ExpressionAttributeNames = new() { ["#size"] = "size" },
            ExpressionAttributeValues = new()
            {
                [":sha256"] = S(copy.Sha256),
                [":size"] = N(copy.Size.Value),
                [":execution"] = S(copy.ExecutionId),
            },
        };
        if (copy.VersionId is not null)
        {
            update.ExpressionAttributeValues[":versionId"] = S(copy.VersionId);
        }

        try
        {
            await DynamoDb.UpdateItemAsync(update, cancel);
        }
        catch (ConditionalCheckFailedException)
        {
            throw new RegistryConflictException($"{copy.Key} is not claimed by execution {copy.ExecutionId}");
        }
    }
}
