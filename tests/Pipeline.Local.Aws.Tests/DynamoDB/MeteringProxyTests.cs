using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Pipeline.Local.Aws.Tests.DynamoDB;

[Collection(EmulatorFixture.Collection)]
public class MeteringProxyTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task PutItem_WhenWithinCapacity_ShouldMeterTableAndIndexWritesPerMinute()
    {
        await using var table = await ProxiedTable.CreateAsync(emulators, 100, 100, withIndex: true);

        await table.PutManyAsync(10);

        var reply = await table.Client.GetItemAsync(new GetItemRequest { TableName = table.Name, Key = new() { ["pk"] = new AttributeValue("k1") } });

        Assert.Null(reply.ConsumedCapacity);
        Assert.Equal(10, table.Proxy.Meter.Total(table.Name, null, DynamoDbMetrics.ConsumedWrite));
        Assert.Equal(10, table.Proxy.Meter.Total(table.Name, "by-gk", DynamoDbMetrics.ConsumedWrite));
        Assert.Equal(0.5, table.Proxy.Meter.Total(table.Name, null, DynamoDbMetrics.ConsumedRead));
    }

    [Fact]
    public async Task PutItem_WhenProvisionedThroughputAndBurstAreSpent_ShouldThrottleWithDynamoDbsError()
    {
        await using var table = await ProxiedTable.CreateAsync(emulators, 1, 2, burstSeconds: 3);

        // 2 WCU with 3 s of burst: 6 units banked, no refill while the clock stands still.
        await table.PutManyAsync(6);

        var error = await Assert.ThrowsAsync<ProvisionedThroughputExceededException>(() => table.PutAsync("one-too-many"));
        Assert.Contains("provisioned throughput", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, table.Proxy.Meter.Total(table.Name, null, DynamoDbMetrics.WriteThrottles));

        table.Clock.Advance(TimeSpan.FromSeconds(1));
        await table.PutAsync("after-a-second");
    }

    [Fact]
    public async Task PutItem_WhenTheTableIsOnDemand_ShouldNeverThrottleButStillMeter()
    {
        // The local stack's registry is on-demand and reached through the proxy: it must never throttle.
        var clock = new ManualClock(ProxiedTable.TenAm);
        await using var proxy = await MeteringProxy.StartAsync(emulators.DynamoDbEndpoint, new MeteringOptions(BurstSeconds: 1, Clock: clock));
        using var client = EmulatorFixture.CreateDynamoDbClient(proxy.Endpoint);
        var name = EmulatorFixture.UniqueName("on-demand");
        await client.CreateTableAsync(new CreateTableRequest
        {
            TableName = name,
            AttributeDefinitions = [new("pk", ScalarAttributeType.S)],
            KeySchema = [new("pk", KeyType.HASH)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
        });
        await emulators.WaitUntilActiveAsync(name);

        // 200 writes while the clock stands still: any provisioned table would have run dry.
        for (var i = 0; i < 200; i++)
        {
            await client.PutItemAsync(new PutItemRequest { TableName = name, Item = new() { ["pk"] = new AttributeValue($"k{i}") } });
        }

        Assert.Equal(0, proxy.Meter.Total(name, null, DynamoDbMetrics.WriteThrottles));
        Assert.Equal(200, proxy.Meter.Total(name, null, DynamoDbMetrics.ConsumedWrite));
    }

    [Fact]
    public async Task UpdateTable_WhenTheQuotaIsSpent_ShouldRefuseWithLimitExceededUntilTheNextHour()
    {
        await using var table = await ProxiedTable.CreateAsync(emulators, 50, 50);

        for (var units = 40; units > 0; units -= 10)
        {
            await table.Client.UpdateTableAsync(new UpdateTableRequest { TableName = table.Name, ProvisionedThroughput = new ProvisionedThroughput(units, units) });
            await table.WaitActiveAsync();
        }

        var refused = await Assert.ThrowsAsync<LimitExceededException>(() => table.Client.UpdateTableAsync(
            new UpdateTableRequest { TableName = table.Name, ProvisionedThroughput = new ProvisionedThroughput(5, 5) }));
        Assert.Contains("decreases", refused.Message, StringComparison.Ordinal);
        var described = (await table.Client.DescribeTableAsync(table.Name)).Table.ProvisionedThroughput;
        Assert.Equal(4, described.NumberOfDecreasesToday);
        Assert.Equal(10, described.ReadCapacityUnits);

        // Increases are never limited; the next UTC hour brings one more decrease.
        await table.Client.UpdateTableAsync(new UpdateTableRequest { TableName = table.Name, ProvisionedThroughput = new ProvisionedThroughput(20, 20) });
        await table.WaitActiveAsync();
        table.Clock.Advance(TimeSpan.FromHours(1));
        await table.Client.UpdateTableAsync(new UpdateTableRequest { TableName = table.Name, ProvisionedThroughput = new ProvisionedThroughput(5, 5) });
        await table.WaitActiveAsync();
        Assert.Equal(5, (await table.Client.DescribeTableAsync(table.Name)).Table.ProvisionedThroughput.NumberOfDecreasesToday);
    }
}
