using System.Net.Http.Headers;
using Pipeline.Core.Scaling;

namespace Pipeline.Local.Aws.DynamoDB;

/// <summary>
/// Forwards the DynamoDB API to dynalite and adds what dynalite lacks: it asks for
/// <c>ReturnConsumedCapacity: INDEXES</c> on every data-plane call and meters the answer per table,
/// index and minute; it refuses a call whose table or index has used up its provisioned throughput
/// and burst with <c>ProvisionedThroughputExceededException</c>; it refuses a decrease beyond the
/// daily quota with <c>LimitExceededException</c>; and it reports the quota's real count in
/// DescribeTable. dynalite reports no index writes, so a write to a table is charged to each of its
/// global secondary indexes as well (as if every item projected into every index).
/// </summary>
internal sealed class DynamoDbProxy(HttpClient upstream, Uri dynamoDb, CapacityLedger ledger, UsageMeter meter, TimeProvider clock)
{
    private const string TargetPrefix = "DynamoDB_20120810.";
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, string[] Indexes)> _known = new();

    public async Task<Reply> HandleAsync(string target, string body, IReadOnlyDictionary<string, string> headers, CancellationToken cancel)
    {
        var operation = target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..] : "";
        if (JsonNode.Parse(body) is not JsonObject request)
        {
            return await ForwardAsync(target, body, headers, cancel);
        }

        if (RequestShapes.IsDataPlane(operation))
        {
            return await DataPlaneAsync(operation, target, request, headers, cancel);
        }

        return operation switch
        {
            "UpdateTable" => await UpdateTableAsync(target, request, body, headers, cancel),
            "DescribeTable" => await DescribeTableAsync(target, body, headers, cancel),
            "DeleteTable" => await ForgetAsync(request, await ForwardAsync(target, body, headers, cancel)),
            _ => await ForwardAsync(target, body, headers, cancel),
        };
    }

    private async Task<Reply> DataPlaneAsync(string operation, string target, JsonObject request, IReadOnlyDictionary<string, string> headers, CancellationToken cancel)
    {
        var write = RequestShapes.IsWrite(operation);
        var targets = RequestShapes.Targets(operation, request);
        var now = clock.GetUtcNow();
        foreach (var (table, index) in targets)
        {
            var indexes = await IndexesAsync(table, headers, cancel);
            var charged = write ? indexes.Select(i => (string?)i).Prepend(null) : [index];
            foreach (var exhausted in charged.Where(i => !ledger.HasCapacity(table, i, write)))
            {
                var metric = write ? DynamoDbMetrics.WriteThrottles : DynamoDbMetrics.ReadThrottles;
                meter.Add(table, exhausted, metric, now, 1);
                if (exhausted is not null)
                {
                    meter.Add(table, null, metric, now, 1);
                }

                return new Reply(400, DynamoDbErrors.ThroughputExceeded(table), DynamoDbErrors.ContentType);
            }
        }

        var asked = request["ReturnConsumedCapacity"]?.GetValue<string>();
        request["ReturnConsumedCapacity"] = "INDEXES";
        var reply = await ForwardAsync(target, request.ToJsonString(), headers, cancel);
        if (reply.Status != 200 || JsonNode.Parse(reply.Body) is not JsonObject response)
        {
            return reply;
        }

        foreach (var consumed in RequestShapes.ConsumedCapacity(response))
        {
            await ChargeAsync(consumed, write, headers, cancel);
        }

        if (asked is null or "NONE")
        {
            response.Remove("ConsumedCapacity");
        }

        return reply with { Body = response.ToJsonString() };
    }

    private async Task ChargeAsync(JsonObject consumed, bool write, IReadOnlyDictionary<string, string> headers, CancellationToken cancel)
    {
        if (consumed["TableName"]?.GetValue<string>() is not { } table)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var metric = write ? DynamoDbMetrics.ConsumedWrite : DynamoDbMetrics.ConsumedRead;
        var indexUnits = consumed["GlobalSecondaryIndexes"]?.AsObject()
            .ToDictionary(p => p.Key, p => p.Value?["CapacityUnits"]?.GetValue<double>() ?? 0) ?? [];
        var tableUnits = consumed["Table"]?["CapacityUnits"]?.GetValue<double>()
            ?? (indexUnits.Count == 0 ? consumed["CapacityUnits"]?.GetValue<double>() ?? 0 : 0);
        if (write && indexUnits.Count == 0)
        {
            foreach (var index in await IndexesAsync(table, headers, cancel))
            {
                indexUnits[index] = tableUnits;
            }
        }

        Charge(table, null, write, metric, tableUnits, now);
        foreach (var (index, units) in indexUnits)
        {
            Charge(table, index, write, metric, units, now);
        }
    }

    private void Charge(string table, string? index, bool write, string metric, double units, DateTimeOffset now)
    {
        if (units > 0)
        {
            ledger.Consume(table, index, write, units);
            meter.Add(table, index, metric, now, units);
        }
    }

    private async Task<Reply> UpdateTableAsync(string target, JsonObject request, string body, IReadOnlyDictionary<string, string> headers, CancellationToken cancel)
    {
        var table = request["TableName"]?.GetValue<string>() ?? "";
        var current = await DescribeUpstreamAsync(table, headers, cancel);
        var decreases = new List<string?>();
        if (current is not null)
        {
            if (Lower(request["ProvisionedThroughput"], current["ProvisionedThroughput"]))
            {
                decreases.Add(null);
            }

            foreach (var update in request["GlobalSecondaryIndexUpdates"]?.AsArray() ?? [])
            {
                var index = update?["Update"]?["IndexName"]?.GetValue<string>();
                var existing = current["GlobalSecondaryIndexes"]?.AsArray()
                    .FirstOrDefault(i => i?["IndexName"]?.GetValue<string>() == index);
                if (index is not null && Lower(update!["Update"]!["ProvisionedThroughput"], existing?["ProvisionedThroughput"]))
                {
                    decreases.Add(index);
                }
            }
        }

        foreach (var index in decreases.Where(i => ledger.DecreasesAvailable(table, i) == 0))
        {
            var (count, last) = ledger.Decreases(table, index);
            return new Reply(400, DynamoDbErrors.DecreaseLimit(index is null ? table : $"{table}/{index}", count, last), DynamoDbErrors.ContentType);
        }

        var reply = await ForwardAsync(target, body, headers, cancel);
        if (reply.Status == 200)
        {
            foreach (var index in decreases)
            {
                ledger.TryDecrease(table, index);
            }

            _known.TryRemove(table, out _);
        }

        return reply;
    }

    private async Task<Reply> DescribeTableAsync(string target, string body, IReadOnlyDictionary<string, string> headers, CancellationToken cancel)
    {
        var reply = await ForwardAsync(target, body, headers, cancel);
        if (reply.Status != 200 || JsonNode.Parse(reply.Body)?["Table"] is not JsonObject table)
        {
            return reply;
        }

        Learn(table);
        var name = table["TableName"]!.GetValue<string>();
        Patch(table["ProvisionedThroughput"] as JsonObject, name, null);
        foreach (var index in table["GlobalSecondaryIndexes"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            Patch(index["ProvisionedThroughput"] as JsonObject, name, index["IndexName"]?.GetValue<string>());
        }

        return reply with { Body = new JsonObject { ["Table"] = table.DeepClone() }.ToJsonString() };
    }

    // dynalite counts decreases forever; DynamoDB resets the count at midnight UTC.
    private void Patch(JsonObject? throughput, string table, string? index)
    {
        if (throughput is null)
        {
            return;
        }

        var (count, last) = ledger.Decreases(table, index);
        throughput["NumberOfDecreasesToday"] = count;
        if (last is { } at)
        {
            throughput["LastDecreaseDateTime"] = at.ToUnixTimeMilliseconds() / 1000.0;
        }
        else
        {
            throughput.Remove("LastDecreaseDateTime");
        }
    }

    private async Task<Reply> ForgetAsync(JsonObject request, Reply reply)
    {
        if (reply.Status == 200 && request["TableName"]?.GetValue<string>() is { } table)
        {
            ledger.Forget(table);
            _known.TryRemove(table, out _);
        }

        return await Task.FromResult(reply);
    }

    private async Task<string[]> IndexesAsync(string table, IReadOnlyDictionary<string, string> headers, CancellationToken cancel)
    {
        if (_known.TryGetValue(table, out var known) && clock.GetUtcNow() - known.At < Refresh)
        {
            return known.Indexes;
        }

        var description = await DescribeUpstreamAsync(table, headers, cancel);
        return description is null ? [] : Learn(description);
    }

    private string[] Learn(JsonObject table)
    {
        var name = table["TableName"]!.GetValue<string>();
        var onDemand = table["BillingModeSummary"]?["BillingMode"]?.GetValue<string>() == "PAY_PER_REQUEST";
        ledger.Provisioned(name, null, onDemand ? default : Capacity(table["ProvisionedThroughput"]));
        var indexes = new List<string>();
        foreach (var index in table["GlobalSecondaryIndexes"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            var indexName = index["IndexName"]!.GetValue<string>();
            indexes.Add(indexName);
            ledger.Provisioned(name, indexName, onDemand ? default : Capacity(index["ProvisionedThroughput"]));
        }

        var result = indexes.ToArray();
        _known[name] = (clock.GetUtcNow(), result);
        return result;
    }

    private async Task<JsonObject?> DescribeUpstreamAsync(string table, IReadOnlyDictionary<string, string> headers, CancellationToken cancel)
    {
        var reply = await ForwardAsync(TargetPrefix + "DescribeTable", new JsonObject { ["TableName"] = table }.ToJsonString(), headers, cancel);
        return reply.Status == 200 ? JsonNode.Parse(reply.Body)?["Table"]?.AsObject() : null;
    }

    private async Task<Reply> ForwardAsync(string target, string body, IReadOnlyDictionary<string, string> headers, CancellationToken cancel)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, dynamoDb) { Content = new StringContent(body, Encoding.UTF8) };
        message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(DynamoDbErrors.ContentType);
        message.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        foreach (var (name, value) in headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await upstream.SendAsync(message, cancel);
        var text = await response.Content.ReadAsStringAsync(cancel);
        return new Reply((int)response.StatusCode, text, response.Content.Headers.ContentType?.ToString() ?? DynamoDbErrors.ContentType);
    }

    private static bool Lower(JsonNode? requested, JsonNode? current) =>
        requested is not null && current is not null
        && (Units(requested, "ReadCapacityUnits") < Units(current, "ReadCapacityUnits")
            || Units(requested, "WriteCapacityUnits") < Units(current, "WriteCapacityUnits"));

    private static long Units(JsonNode node, string name) => node[name]?.GetValue<long>() ?? 0;

    private static Throughput Capacity(JsonNode? throughput) =>
        throughput is null ? default : new Throughput(Units(throughput, "ReadCapacityUnits"), Units(throughput, "WriteCapacityUnits"));
}

/// <summary>An HTTP answer for the client.</summary>
internal sealed record Reply(int Status, string Body, string ContentType, string? QueryError = null);
