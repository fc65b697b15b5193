namespace Pipeline.Functions.Tests;

/// <summary>
/// Every kind of bad input gets its own specific error, and leaves the registry, every table and
/// every stored object exactly as they were: compared item by item, before and after.
/// </summary>
[Collection(EmulatorFixture.Collection)]
public sealed class BadInputMatrixTests(EmulatorFixture emulators)
{
    /// <summary>A stack with history: a recorded and provisioned version of orders and a live billing route.</summary>
    private async Task<TestStack> EstablishedAsync()
    {
        var stack = await TestStack.CreateAsync(emulators);
        var first = await stack.RecordAsync(await stack.BuildAsync("exec-0", Manifests.Orders));
        await stack.ProvisionAsync(first.Label);
        await stack.RecordAsync(await stack.BuildAsync("billing-0",
            "name: billing\nport: 8081\nroutes: [ { pathPrefix: /billing } ]\nbuild: { artifact: dist }\n", service: "billing"));

        // billing went live: its routes publication claimed the route (RecordVersion claims nothing).
        await stack.Registry.ClaimRoutesAsync("billing", ["*/billing"]);
        return stack;
    }

    public static TheoryData<string, string, string, string> ManifestCases() => new()
    {
        { "broken YAML", "name: orders\nport: [8080\nbuild: x\n", ManifestInvalidException.Name, ": (yaml): invalid YAML" },
        { "unknown field", Manifests.Orders + "\nreplicas: 3\n", ManifestInvalidException.Name, $":{Manifests.Orders.Split('\n').Length + 1}:1: replicas: unknown field" },
        { "wrong type", Manifests.With("port: 8080", "port: eighty"), ManifestInvalidException.Name, ":2:7: port: must be an integer, not the string 'eighty'" },
        { "missing key", Manifests.With("build: { artifact: dist/orders.zip }\n", ""), ManifestInvalidException.Name, ":1:1: build: is required" },
        { "another service's name", Manifests.With("name: orders", "name: carts"), ManifestInvalidException.Name, ":1:7: name: is 'carts' but this pipeline builds service 'orders'" },
        { "colliding route", Manifests.With("pathPrefix: /orders", "pathPrefix: /billing"), OwnershipConflictException.Name, "routes[0]: route */billing is owned by service billing; service orders cannot claim it" },
    };

    [Theory]
    [MemberData(nameof(ManifestCases))]
    public async Task RecordVersion_WhenManifestIsBad_ShouldFailSpecificallyAndChangeNothing(
        string @case, string manifest, string errorType, string message)
    {
        var stack = await EstablishedAsync();
        var input = await stack.BuildAsync("exec-bad", manifest);
        var before = await stack.SnapshotAsync();

        var error = await Assert.ThrowsAnyAsync<PipelineException>(() => stack.RecordAsync(input));

        Assert.True(errorType == error.ErrorType, $"{@case}: {error.ErrorType}: {error.Message}");
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await stack.SnapshotAsync());
    }

    [Theory]
    [InlineData("artifact", "builds/exec-bad/missing.zip")]
    [InlineData("service.yaml", "builds/exec-bad/missing.yaml")]
    public async Task RecordVersion_WhenBuildOutputMissing_ShouldThrowArtifactNotFoundAndChangeNothing(string what, string key)
    {
        var stack = await EstablishedAsync();
        var input = await stack.BuildAsync("exec-bad", Manifests.Orders);
        input = what == "artifact" ? input with { ArtifactKey = key } : input with { ManifestKey = key };
        var before = await stack.SnapshotAsync();

        var error = await Assert.ThrowsAsync<ArtifactNotFoundException>(() => stack.RecordAsync(input));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await stack.SnapshotAsync());
    }

    [Theory]
    [InlineData("table key type", "partitionKey: { name: orderId, type: S }\n    indexes", "partitionKey: { name: orderId, type: N }\n    indexes",
        "has key [orderId (S)] but the manifest declares [orderId (N)]; DynamoDB cannot change a table's key schema")]
    [InlineData("table sort key", "partitionKey: { name: orderId, type: S }\n    indexes", "partitionKey: { name: orderId, type: S }\n    sortKey: { name: v, type: N }\n    indexes",
        "has key [orderId (S)] but the manifest declares [orderId (S), v (N)]")]
    [InlineData("index keys", "sortKey: { name: createdAt, type: N } }", "sortKey: { name: placedAt, type: N } }",
        "index by-customer of table")]
    public async Task ProvisionTables_WhenSchemaConflicts_ShouldThrowTableSchemaConflictAndChangeNothing(
        string @case, string from, string to, string message)
    {
        var stack = await EstablishedAsync();
        var changed = Manifests.With(from, to);
        Assert.NotEqual(Manifests.Orders, changed);
        var next = await stack.RecordAsync(await stack.BuildAsync("exec-2", changed));
        var before = await stack.SnapshotAsync();

        var error = await Assert.ThrowsAsync<TableSchemaConflictException>(() => stack.ProvisionAsync(next.Label));

        Assert.True(error.ErrorType == "Pipeline.TableSchemaConflict", @case);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await stack.SnapshotAsync());
    }

    [Fact]
    public async Task ProvisionTables_WhenServiceAndTableNamesShareHyphens_ShouldGiveEachServiceItsOwnTable()
    {
        // With '-' between prefix, service and table, "orders-x" + "events" and "orders" + "x-events"
        // were one physical table; with '.' they are two, each owned by its service.
        var stack = await EstablishedAsync();
        var next = await stack.RecordAsync(await stack.BuildAsync("exec-2", Manifests.With("- name: events", "- name: x-events")));
        var other = await stack.RecordAsync(await stack.BuildAsync("ox-0",
            "name: orders-x\nport: 1\nbuild: { artifact: x }\ntables: [ { name: events, partitionKey: { name: id, type: S }, capacity: onDemand } ]\n",
            service: "orders-x"));

        await stack.ProvisionAsync(other.Label, "orders-x");
        await stack.ProvisionAsync(next.Label);

        Assert.NotEqual(stack.TableName("events", "orders-x"), stack.TableName("x-events"));
        Assert.Equal("orders-x", (await stack.Registry.GetOwnedTableAsync(stack.TableName("events", "orders-x")))?.Service);
        Assert.Equal("orders", (await stack.Registry.GetOwnedTableAsync(stack.TableName("x-events")))?.Service);
    }
}
