using Pipeline.Core.Manifest;
using Pipeline.Core.Tables;

namespace Pipeline.Core.Tests.Tables;

public sealed class TableProvisionerTests
{
    private readonly FakeTableAdmin _admin = new();
    private readonly InMemoryRegistry _registry = new();
    private readonly TableProvisioner _provisioner;

    public TableProvisionerTests() => _provisioner = new TableProvisioner(_admin, _registry, "pipeline");

    private static ServiceManifest Manifest(string tables) =>
        ManifestParser.Parse($"name: orders\nport: 8080\nbuild: {{ artifact: x }}\ntables:\n{tables}");

    private const string Orders = """
          - name: orders
            partitionKey: { name: id, type: S }
            indexes:
              - { name: by-customer, partitionKey: { name: customerId, type: S } }
            capacity: { read: { min: 2, max: 10 }, write: { min: 1, max: 5 }, targetUtilization: 60 }
        """;

    [Fact]
    public async Task ProvisionAsync_WhenTableAbsent_ShouldCreateItAtMinimumAndRecordIt()
    {
        var result = await _provisioner.ProvisionAsync(Manifest(Orders));

        var outcome = Assert.Single(result.Tables);
        Assert.Equal(("pipeline.orders.orders", "created"), (outcome.TableName, outcome.Action));
        Assert.Equal(new Throughput(2, 1), _admin.Tables["pipeline.orders.orders"].Throughput);
        Assert.Equal(
            new OwnedTable("pipeline.orders.orders", "orders", "orders", ["by-customer"], false, 2, 10, 1, 5, 60),
            await _registry.GetOwnedTableAsync("pipeline.orders.orders"), OwnedTableComparer.Instance);
    }

    [Fact]
    public async Task ProvisionAsync_WhenRunTwice_ShouldChangeNothingTheSecondTime()
    {
        await _provisioner.ProvisionAsync(Manifest(Orders));
        var calls = _admin.Calls.Count;
        var writes = _registry.Writes;

        var second = await _provisioner.ProvisionAsync(Manifest(Orders));

        Assert.Equal("unchanged", Assert.Single(second.Tables).Action);
        Assert.Equal(calls, _admin.Calls.Count);
        Assert.Equal(writes, _registry.Writes);
    }

    [Fact]
    public async Task ProvisionAsync_WhenIndexesAdded_ShouldAddThemOneUpdateAtATime()
    {
        await _provisioner.ProvisionAsync(Manifest(Orders));
        var withTwoMore = Orders.Replace(
            "      - { name: by-customer, partitionKey: { name: customerId, type: S } }",
            "      - { name: by-customer, partitionKey: { name: customerId, type: S } }\n" +
            "      - { name: by-status, partitionKey: { name: status, type: S } }\n" +
            "      - { name: by-day, partitionKey: { name: day, type: N } }", StringComparison.Ordinal);

        var result = await _provisioner.ProvisionAsync(Manifest(withTwoMore));

        Assert.Equal(["by-status", "by-day"], Assert.Single(result.Tables).IndexesAdded);
        Assert.Equal(["add-index pipeline.orders.orders by-status", "add-index pipeline.orders.orders by-day"],
            _admin.Calls.Where(c => c.StartsWith("add-index", StringComparison.Ordinal)));
        Assert.Equal(["by-customer", "by-status", "by-day"],
            (await _registry.GetOwnedTableAsync("pipeline.orders.orders"))!.Indexes);
    }

    [Fact]
    public async Task ProvisionAsync_WhenIndexNoLongerDeclared_ShouldKeepIt()
    {
        await _provisioner.ProvisionAsync(Manifest(Orders));
        var withoutIndex = Orders.Replace(
            "    indexes:\n      - { name: by-customer, partitionKey: { name: customerId, type: S } }\n", "", StringComparison.Ordinal);

        var result = await _provisioner.ProvisionAsync(Manifest(withoutIndex));

        Assert.Equal(["by-customer"], Assert.Single(result.Tables).IndexesKept);
        Assert.Single(_admin.Tables["pipeline.orders.orders"].Indexes);
    }

    [Fact]
    public async Task ProvisionAsync_WhenTableNoLongerDeclared_ShouldReportItKept()
    {
        await _provisioner.ProvisionAsync(Manifest(Orders));

        var result = await _provisioner.ProvisionAsync(Manifest("  - { name: audit, partitionKey: { name: id, type: S }, capacity: onDemand }\n"));

        Assert.Equal(["pipeline.orders.orders"], result.KeptTables);
        Assert.Contains("pipeline.orders.orders", _admin.Tables.Keys);
    }

    [Fact]
    public async Task ProvisionAsync_WhenBoundsMove_ShouldClampTableAndIndexes()
    {
        await _provisioner.ProvisionAsync(Manifest(Orders));

        var result = await _provisioner.ProvisionAsync(Manifest(Orders.Replace("read: { min: 2, max: 10 }", "read: { min: 4, max: 10 }", StringComparison.Ordinal)));

        Assert.Equal(["table read 2/write 1 -> read 4/write 1", "index by-customer read 2/write 1 -> read 4/write 1"],
            Assert.Single(result.Tables).CapacityChanges);
        Assert.Equal(new Throughput(4, 1), _admin.Tables["pipeline.orders.orders"].Throughput);
        Assert.Equal(4, (await _registry.GetOwnedTableAsync("pipeline.orders.orders"))!.MinRead);
    }

    [Fact]
    public async Task ProvisionAsync_WhenSwitchedToOnDemand_ShouldChangeBillingMode()
    {
        await _provisioner.ProvisionAsync(Manifest(Orders));

        await _provisioner.ProvisionAsync(Manifest(Orders.Replace(
            "{ read: { min: 2, max: 10 }, write: { min: 1, max: 5 }, targetUtilization: 60 }", "onDemand", StringComparison.Ordinal)));

        Assert.True(_admin.Tables["pipeline.orders.orders"].OnDemand);
        Assert.True((await _registry.GetOwnedTableAsync("pipeline.orders.orders"))!.OnDemand);
    }

    [Fact]
    public async Task ProvisionAsync_WhenKeySchemaChanged_ShouldThrowSchemaConflictAndChangeNothing()
    {
        await _provisioner.ProvisionAsync(Manifest(Orders));
        var calls = _admin.Calls.Count;
        var before = _registry.Snapshot();

        var error = await Assert.ThrowsAsync<TableSchemaConflictException>(() =>
            _provisioner.ProvisionAsync(Manifest(Orders.Replace("name: id, type: S", "name: id, type: N", StringComparison.Ordinal))));

        Assert.Equal("Pipeline.TableSchemaConflict", error.ErrorType);
        Assert.Equal("tables[0]: table pipeline.orders.orders has key [id (S)] but the manifest declares [id (N)]; " +
                     "DynamoDB cannot change a table's key schema, so declare a new table instead", Assert.Single(error.Conflicts));
        Assert.Equal(calls, _admin.Calls.Count);
        Assert.Equal(before, _registry.Snapshot());
    }

    [Fact]
    public async Task ProvisionAsync_WhenExistingIndexKeysChanged_ShouldThrowSchemaConflict()
    {
        await _provisioner.ProvisionAsync(Manifest(Orders));

        var error = await Assert.ThrowsAsync<TableSchemaConflictException>(() => _provisioner.ProvisionAsync(
            Manifest(Orders.Replace("{ name: customerId, type: S }", "{ name: customer, type: S }", StringComparison.Ordinal))));

        Assert.StartsWith("tables[0].indexes[0]: index by-customer of table pipeline.orders.orders has key [customerId (S)]",
            Assert.Single(error.Conflicts), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProvisionAsync_WhenOneOfManyTablesConflicts_ShouldCreateNoneOfThem()
    {
        await _provisioner.ProvisionAsync(Manifest(Orders));
        var calls = _admin.Calls.Count;

        await Assert.ThrowsAsync<TableSchemaConflictException>(() => _provisioner.ProvisionAsync(Manifest(
            "  - { name: audit, partitionKey: { name: id, type: S }, capacity: onDemand }\n" +
            Orders.Replace("name: id, type: S", "name: id, type: B", StringComparison.Ordinal))));

        Assert.Equal(calls, _admin.Calls.Count);
        Assert.DoesNotContain("pipeline.orders.audit", _admin.Tables.Keys);
    }

    [Fact]
    public async Task ProvisionAsync_WhenOwnedTableIsTakenOverByAnotherService_ShouldNameBothAndChangeNothing()
    {
        await _registry.PutOwnedTableAsync(
            new OwnedTable("pipeline.orders.orders", "orders-x", "orders", [], false, 2, 10, 1, 5, 60));
        var before = _registry.Snapshot();

        var error = await Assert.ThrowsAsync<OwnershipConflictException>(() => _provisioner.ProvisionAsync(Manifest(Orders)));

        Assert.Equal("tables[0].name: table pipeline.orders.orders is owned by service orders-x; service orders cannot claim it",
            Assert.Single(error.Conflicts));
        Assert.Equal(before, _registry.Snapshot());
    }

    [Fact]
    public void PhysicalName_WhenServiceAndTableNamesShareHyphens_ShouldNeverCollide()
    {
        // With '-' as the separator, "orders-x" + "y" and "orders" + "x-y" were one table.
        Assert.NotEqual(TableSpec.PhysicalName("pipeline", "orders-x", "y"), TableSpec.PhysicalName("pipeline", "orders", "x-y"));
        Assert.NotEqual(TableSpec.PhysicalName("pipeline", "prod-orders", "t"), TableSpec.PhysicalName("pipeline-prod", "orders", "t"));
    }

    [Fact]
    public async Task ProvisionAsync_WhenTableExistsWithoutOwner_ShouldNotAdoptIt()
    {
        await _admin.CreateAsync("pipeline.orders.orders", Manifest(Orders).Tables[0], null, new Dictionary<string, string>());

        var error = await Assert.ThrowsAsync<OwnershipConflictException>(() => _provisioner.ProvisionAsync(Manifest(Orders)));

        Assert.Contains("did not create it", Assert.Single(error.Conflicts), StringComparison.Ordinal);
        Assert.Empty(await _registry.ListOwnedTablesAsync());
    }

    private sealed class OwnedTableComparer : IEqualityComparer<OwnedTable?>
    {
        public static OwnedTableComparer Instance { get; } = new();

        public bool Equals(OwnedTable? x, OwnedTable? y) => x is not null && y is not null && x.SameAs(y);

        public int GetHashCode(OwnedTable? obj) => obj?.TableName.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
