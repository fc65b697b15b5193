namespace Pipeline.Local.Aws.DynamoDB;

/// <summary>Which tables (and indexes) a DynamoDB data-plane request touches, and whether it reads or writes.</summary>
internal static class RequestShapes
{
    private static readonly HashSet<string> Reads = ["GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"];
    private static readonly HashSet<string> Writes = ["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"];

    public static bool IsDataPlane(string operation) => Reads.Contains(operation) || Writes.Contains(operation);

    public static bool IsWrite(string operation) => Writes.Contains(operation);

    /// <summary>(table, index or null) pairs named by the request.</summary>
    public static IReadOnlyList<(string Table, string? Index)> Targets(string operation, JsonObject request)
    {
        var targets = new List<(string, string?)>();
        switch (operation)
        {
            case "BatchGetItem" or "BatchWriteItem":
                foreach (var (table, _) in request["RequestItems"]?.AsObject() ?? [])
                {
                    targets.Add((table, null));
                }

                break;
            case "TransactGetItems" or "TransactWriteItems":
                foreach (var item in request["TransactItems"]?.AsArray() ?? [])
                {
                    foreach (var (_, action) in item?.AsObject() ?? [])
                    {
                        if (action?["TableName"]?.GetValue<string>() is { } name)
                        {
                            targets.Add((name, null));
                        }
                    }
                }

                break;
            default:
                if (request["TableName"]?.GetValue<string>() is { } tableName)
                {
                    targets.Add((tableName, request["IndexName"]?.GetValue<string>()));
                }

                break;
        }

        return targets.Distinct().ToArray();
    }

    /// <summary>ConsumedCapacity entries of a response (one object, or an array for batch and transaction calls).</summary>
    public static IEnumerable<JsonObject> ConsumedCapacity(JsonObject response) => response["ConsumedCapacity"] switch
    {
        JsonArray array => array.OfType<JsonObject>(),
        JsonObject one => [one],
        _ => [],
    };
}
