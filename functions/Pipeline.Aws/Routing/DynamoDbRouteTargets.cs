using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Pipeline.Core.Routing;

namespace Pipeline.Aws.Routing;

/// <summary>
/// Healthy targets per version in the registry table: pk <c>TARGETS#&lt;service&gt;</c>, sk the
/// version label, attribute <c>targets</c> a list of {id, address, port}. Written by the deploy,
/// read by every later publication, so a republish routes to the same instances.
/// </summary>
public sealed class DynamoDbRouteTargets(IAmazonDynamoDB dynamo, string tableName) : IRouteTargets
{
    public async Task<IReadOnlyList<RouteTarget>> GetAsync(string service, string label, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = tableName,
            Key = Key(service, label),
            ConsistentRead = true,
        }, cancellationToken);
        if (response.Item is not { Count: > 0 } item || !item.TryGetValue("targets", out var list) || list.L is null)
        {
            return [];
        }

        return [.. list.L.Select(t => new RouteTarget(t.M["id"].S, t.M["address"].S, int.Parse(t.M["port"].N, CultureInfo.InvariantCulture)))];
    }

    public async Task PutAsync(string service, string label, IReadOnlyList<RouteTarget> targets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var item = Key(service, label);
        item["targets"] = new AttributeValue
        {
            L = [.. targets.Select(t => new AttributeValue
            {
                M = new()
                {
                    ["id"] = new() { S = t.Id },
                    ["address"] = new() { S = t.Address },
                    ["port"] = new() { N = t.Port.ToString(CultureInfo.InvariantCulture) },
                },
            })],
        };
        await dynamo.PutItemAsync(new PutItemRequest { TableName = tableName, Item = item }, cancellationToken);
    }

    private static Dictionary<string, AttributeValue> Key(string service, string label) => new()
    {
        ["pk"] = new() { S = "TARGETS#" + service },
        ["sk"] = new() { S = label },
    };
}
