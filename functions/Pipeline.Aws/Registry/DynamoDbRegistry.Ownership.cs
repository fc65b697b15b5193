using Amazon.DynamoDBv2.Model;
using static Pipeline.Aws.Registry.RegistryItems;

namespace Pipeline.Aws.Registry;

/// <summary>Owned tables and route claims: items a service owns.</summary>
public sealed partial class DynamoDbRegistry
{
    public async Task<OwnedTable?> GetOwnedTableAsync(string tableName, CancellationToken cancel = default)
    {
        var item = await GetAsync(TablesPartition, tableName, cancel);
        return item is null ? null : ToOwnedTable(item);
    }

    public async Task<IReadOnlyList<OwnedTable>> ListOwnedTablesAsync(CancellationToken cancel = default) =>
        (await QueryAsync(TablesPartition, null, forward: true, cancel)).Select(ToOwnedTable).ToList();

    public async Task PutOwnedTableAsync(OwnedTable table, CancellationToken cancel = default)
    {
        try
        {
            await DynamoDb.PutItemAsync(new PutItemRequest
            {
                TableName = TableName,
                Item = ToItem(table),
                ConditionExpression = "attribute_not_exists(pk) OR service = :service",
                ExpressionAttributeValues = new() { [":service"] = S(table.Service) },
            }, cancel);
        }
        catch (ConditionalCheckFailedException)
        {
            var owner = (await GetOwnedTableAsync(table.TableName, cancel))?.Service;
            throw new RegistryConflictException(
                $"table {table.TableName} is owned by service {owner}, not {table.Service}", owner);
        }
    }

    public async Task<IReadOnlyList<RouteClaim>> ListRouteClaimsAsync(CancellationToken cancel = default) =>
        (await QueryAsync(RoutesPartition, null, forward: true, cancel))
            .Select(item => new RouteClaim(Str(item, Sk), Str(item, "service"))).ToList();

    public async Task ClaimRoutesAsync(string service, IReadOnlyList<string> routeKeys, CancellationToken cancel = default)
    {
        var created = new List<string>();
        foreach (var route in routeKeys)
        {
            try
            {
                var response = await DynamoDb.PutItemAsync(new PutItemRequest
                {
                    TableName = TableName,
                    Item = new() { [Pk] = S(RoutesPartition), [Sk] = S(route), ["service"] = S(service) },
                    ConditionExpression = "attribute_not_exists(pk) OR service = :service",
                    ExpressionAttributeValues = new() { [":service"] = S(service) },
                    ReturnValues = Amazon.DynamoDBv2.ReturnValue.ALL_OLD,
                }, cancel);
                if (response.Attributes is not { Count: > 0 })
                {
                    created.Add(route);
                }
            }
            catch (ConditionalCheckFailedException)
            {
                await WithdrawAsync(service, created, cancel);
                var owner = await GetAsync(RoutesPartition, route, cancel) is { } item ? Str(item, "service") : null;
                throw new RegistryConflictException($"route {route} is owned by service {owner}, not {service}", owner);
            }
        }
    }

    public Task ReleaseRoutesAsync(string service, IReadOnlyList<string> routeKeys, CancellationToken cancel = default) =>
        WithdrawAsync(service, [.. routeKeys], cancel);

    private async Task WithdrawAsync(string service, List<string> routes, CancellationToken cancel)
    {
        foreach (var route in routes)
        {
            try
            {
                await DynamoDb.DeleteItemAsync(new DeleteItemRequest
                {
                    TableName = TableName,
                    Key = Key(RoutesPartition, route),
                    ConditionExpression = "service = :service",
                    ExpressionAttributeValues = new() { [":service"] = S(service) },
                }, cancel);
            }
            catch (ConditionalCheckFailedException)
            {
                // Not ours any more: leave it to its owner.
            }
        }
    }
}
