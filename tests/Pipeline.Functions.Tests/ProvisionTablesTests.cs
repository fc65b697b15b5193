namespace Pipeline.Functions.Tests;

[Collection(EmulatorFixture.Collection)]
public sealed class ProvisionTablesTests(EmulatorFixture emulators)
{
    private async Task<(TestStack Stack, string Label)> RecordedAsync(string manifest = Manifests.Orders)
    {
        var stack = await TestStack.CreateAsync(emulators);
        var output = await stack.RecordAsync(await stack.BuildAsync("exec-1", manifest));
        return (stack, output.Label);
    }

    [Fact]
    public async Task HandleAsync_WhenTablesAbsent_ShouldCreateThemActiveWithIndexAndRecordThem()
    {
        var (stack, label) = await RecordedAsync();

        var output = await stack.ProvisionAsync(label);

        Assert.Equal(["created", "created"], output.Tables.Select(t => t.Action));
        var orders = (await emulators.DynamoDb.DescribeTableAsync(stack.TableName("orders"))).Table;
        Assert.Equal("ACTIVE", orders.TableStatus.Value);
        Assert.Equal((2L, 1L), (orders.ProvisionedThroughput.ReadCapacityUnits!.Value, orders.ProvisionedThroughput.WriteCapacityUnits!.Value));
        var index = Assert.Single(orders.GlobalSecondaryIndexes);
        Assert.Equal("by-customer", index.IndexName);
        Assert.Equal(["customerId", "createdAt"], index.KeySchema.Select(k => k.AttributeName));
        var events = (await emulators.DynamoDb.DescribeTableAsync(stack.TableName("events"))).Table;
        Assert.Equal("PAY_PER_REQUEST", events.BillingModeSummary.BillingMode.Value);
        var owned = await stack.Registry.GetOwnedTableAsync(stack.TableName("orders"));
        Assert.Equal(("orders", 2L, 50L, 1L, 20L, 70), (owned!.Service, owned.MinRead, owned.MaxRead, owned.MinWrite, owned.MaxWrite, owned.TargetUtilization));
        Assert.Equal(["by-customer"], owned.Indexes);
        Assert.Equal(2, (await stack.Registry.ListOwnedTablesAsync()).Count);
    }

    [Fact]
    public async Task HandleAsync_WhenRunTwice_ShouldChangeNothingTheSecondTime()
    {
        var (stack, label) = await RecordedAsync();
        await stack.ProvisionAsync(label);
        var before = await stack.SnapshotAsync();

        var second = await stack.ProvisionAsync(label);

        Assert.All(second.Tables, t => Assert.Equal("unchanged", t.Action));
        Assert.Equal(before, await stack.SnapshotAsync());
    }

    [Fact]
    public async Task HandleAsync_WhenNewVersionRaisesMinimum_ShouldRaiseTableAndIndexCapacity()
    {
        var (stack, label) = await RecordedAsync();
        await stack.ProvisionAsync(label);
        var next = await stack.RecordAsync(await stack.BuildAsync("exec-2",
            Manifests.With("read: { min: 2, max: 50 }", "read: { min: 6, max: 50 }")));

        var output = await stack.ProvisionAsync(next.Label);

        var orders = output.Tables.Single(t => t.LogicalName == "orders");
        Assert.Equal("updated", orders.Action);
        Assert.Equal(["table read 2/write 1 -> read 6/write 1", "index by-customer read 2/write 1 -> read 6/write 1"], orders.CapacityChanges);
        var table = (await emulators.DynamoDb.DescribeTableAsync(stack.TableName("orders"))).Table;
        Assert.Equal(6, table.ProvisionedThroughput.ReadCapacityUnits);
        Assert.Equal(6, table.GlobalSecondaryIndexes[0].ProvisionedThroughput.ReadCapacityUnits);
        Assert.Equal(6, (await stack.Registry.GetOwnedTableAsync(stack.TableName("orders")))!.MinRead);
    }

    [Fact]
    public async Task HandleAsync_WhenTableNoLongerDeclared_ShouldKeepItAndSaySo()
    {
        var (stack, label) = await RecordedAsync();
        await stack.ProvisionAsync(label);
        var withoutEvents = Manifests.Orders[..Manifests.Orders.IndexOf("  - name: events", StringComparison.Ordinal)];
        var next = await stack.RecordAsync(await stack.BuildAsync("exec-2", withoutEvents));

        var output = await stack.ProvisionAsync(next.Label);

        Assert.Equal([stack.TableName("events")], output.KeptTables);
        Assert.Equal("ACTIVE", (await emulators.DynamoDb.DescribeTableAsync(stack.TableName("events"))).Table.TableStatus.Value);
    }

    [Fact]
    public async Task HandleAsync_WhenIndexNoLongerDeclared_ShouldKeepIt()
    {
        var (stack, label) = await RecordedAsync();
        await stack.ProvisionAsync(label);
        var next = await stack.RecordAsync(await stack.BuildAsync("exec-2", Manifests.With(
            "    indexes:\n      - { name: by-customer, partitionKey: { name: customerId, type: S }, sortKey: { name: createdAt, type: N } }\n", "")));

        var output = await stack.ProvisionAsync(next.Label);

        Assert.Equal(["by-customer"], output.Tables.Single(t => t.LogicalName == "orders").IndexesKept);
        Assert.Single((await emulators.DynamoDb.DescribeTableAsync(stack.TableName("orders"))).Table.GlobalSecondaryIndexes);
    }

    [Fact]
    public async Task HandleAsync_WhenVersionUnknown_ShouldThrowVersionNotFound()
    {
        var stack = await TestStack.CreateAsync(emulators);

        var error = await Assert.ThrowsAsync<VersionNotFoundException>(() => stack.ProvisionAsync("9.9.9"));

        Assert.Equal("Pipeline.VersionNotFound", error.ErrorType);
        Assert.Equal("orders has no recorded version 9.9.9.", error.Message);
    }
}
