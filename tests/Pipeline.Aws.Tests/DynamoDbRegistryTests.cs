namespace Pipeline.Aws.Tests;

[Collection(EmulatorFixture.Collection)]
public sealed class DynamoDbRegistryTests(EmulatorFixture emulators) : IAsyncLifetime
{
    private DynamoDbRegistry _registry = null!;

    public async Task InitializeAsync()
    {
        var table = EmulatorFixture.UniqueName("registry");
        await DynamoDbRegistry.EnsureTableAsync(emulators.DynamoDb, table);
        _registry = new DynamoDbRegistry(emulators.DynamoDb, table);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static VersionRecord Version(long count, string execution = "exec") => VersionRecord.Recorded(
        new VersionIdentity("orders", $"1.{count}", count, new string('a', 40), $"artifacts/orders/1.{count}/a.zip",
            $"artifacts/orders/1.{count}/service.yaml", "hash"),
        "name: orders", $"{execution}-{count}", DateTimeOffset.UnixEpoch.AddDays(count));

    [Fact]
    public async Task AllocateCountAsync_WhenManyExecutionsRace_ShouldHandOutEachValueOnce()
    {
        var counts = await Task.WhenAll(Enumerable.Range(0, 40)
            .Select(i => _registry.AllocateCountAsync("orders", $"exec-{i}")));

        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), counts.Select(c => c.Count).Order());
        Assert.All(counts, c => Assert.False(c.Reused));
        Assert.Equal(40, await _registry.GetCountAsync("orders"));
    }

    [Fact]
    public async Task AllocateCountAsync_WhenSameExecutionRetries_ShouldReturnTheSameValue()
    {
        await _registry.AllocateCountAsync("orders", "exec-a");
        var first = await _registry.AllocateCountAsync("orders", "exec-b");

        var retry = await _registry.AllocateCountAsync("orders", "exec-b");

        Assert.Equal(new CounterAllocation(2, false), first);
        Assert.Equal(new CounterAllocation(2, true), retry);
        Assert.Equal(0, await _registry.GetCountAsync("billing"));
    }

    [Fact]
    public async Task RecordVersionAsync_WhenCountAlreadyRecorded_ShouldKeepTheFirstRecord()
    {
        var first = await _registry.RecordVersionAsync(Version(1, "first"));

        var second = await _registry.RecordVersionAsync(Version(1, "second"));

        Assert.Equal(first, second);
        Assert.Equal("first-1", Assert.Single(await _registry.ListVersionsAsync("orders")).ExecutionId);
    }

    [Fact]
    public async Task RecordVersionAsync_WhenOlderArrivesLate_ShouldKeepLatestAtTheHigherCount()
    {
        await _registry.RecordVersionAsync(Version(2));
        await _registry.RecordVersionAsync(Version(1));

        var service = await _registry.GetServiceAsync("orders");

        Assert.Equal(("1.2", 2L), (service!.LatestLabel, service.LatestCount));
        Assert.Equal(["1.2", "1.1"], (await _registry.ListVersionsAsync("orders")).Select(v => v.Label));
        Assert.Equal("orders", Assert.Single(await _registry.ListServicesAsync()).Name);
    }

    [Fact]
    public async Task GetVersionAsync_WhenRecorded_ShouldFindByLabelAndByExecution()
    {
        for (var i = 1; i <= 3; i++)
        {
            await _registry.RecordVersionAsync(Version(i));
        }

        Assert.Equal(Version(2), await _registry.GetVersionAsync("orders", "1.2"));
        Assert.Equal(Version(3), await _registry.FindVersionByExecutionAsync("orders", "exec-3"));
        Assert.Null(await _registry.GetVersionAsync("orders", "9.9"));
        Assert.Null(await _registry.FindVersionByExecutionAsync("billing", "exec-3"));
    }

    [Fact]
    public async Task MarkLiveAsync_WhenExpectedLiveMatches_ShouldMovePointerAndRetirePrevious()
    {
        await _registry.RecordVersionAsync(Version(1));
        await _registry.RecordVersionAsync(Version(2));

        Assert.True(await _registry.MarkLiveAsync("orders", "1.1", expectedLive: null));
        Assert.False(await _registry.MarkLiveAsync("orders", "1.2", expectedLive: null));
        Assert.True(await _registry.MarkLiveAsync("orders", "1.2", expectedLive: "1.1"));

        Assert.Equal("1.2", (await _registry.GetLiveVersionAsync("orders"))!.Label);
        Assert.Equal(VersionStatus.Live, (await _registry.GetVersionAsync("orders", "1.2"))!.Status);
        Assert.Equal(VersionStatus.Retired, (await _registry.GetVersionAsync("orders", "1.1"))!.Status);
    }

    [Fact]
    public async Task SetVersionStatusAsync_WhenStatusIsNotTheExpectedOne_ShouldRefuse()
    {
        await _registry.RecordVersionAsync(Version(1));

        Assert.False(await _registry.SetVersionStatusAsync("orders", "1.1", VersionStatus.Live, VersionStatus.Failed));
        Assert.True(await _registry.SetVersionStatusAsync("orders", "1.1", VersionStatus.Recorded, VersionStatus.Failed));
        Assert.Equal(VersionStatus.Failed, (await _registry.GetVersionAsync("orders", "1.1"))!.Status);
    }

    [Fact]
    public async Task TryAcquireLockAsync_WhenManyOwnersRace_ShouldGrantExactlyOne()
    {
        var leases = await Task.WhenAll(Enumerable.Range(0, 12)
            .Select(i => _registry.TryAcquireLockAsync("deploy-orders", $"exec-{i}", TimeSpan.FromMinutes(5))));

        var winner = Assert.Single(leases, l => l is not null)!;
        Assert.Equal(winner.Owner, (await _registry.GetLockAsync("deploy-orders"))!.Owner);
    }

    [Fact]
    public async Task ReleaseLockAsync_WhenNotTheOwner_ShouldRefuseAndKeepTheLock()
    {
        await _registry.TryAcquireLockAsync("deploy-orders", "exec-a", TimeSpan.FromMinutes(5));

        Assert.False(await _registry.ReleaseLockAsync("deploy-orders", "exec-b"));
        Assert.NotNull(await _registry.TryAcquireLockAsync("deploy-orders", "exec-a", TimeSpan.FromMinutes(5)));
        Assert.True(await _registry.ReleaseLockAsync("deploy-orders", "exec-a"));
        Assert.Null(await _registry.GetLockAsync("deploy-orders"));
        Assert.NotNull(await _registry.TryAcquireLockAsync("deploy-orders", "exec-b", TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task TryAcquireLockAsync_WhenLeaseExpired_ShouldLetAnotherOwnerTakeIt()
    {
        await _registry.TryAcquireLockAsync("deploy-orders", "crashed", TimeSpan.FromMilliseconds(1));
        await Task.Delay(20);

        var lease = await _registry.TryAcquireLockAsync("deploy-orders", "next", TimeSpan.FromMinutes(5));

        Assert.Equal("next", lease!.Owner);
        Assert.False(await _registry.ReleaseLockAsync("deploy-orders", "crashed"));
    }

    [Fact]
    public async Task PutOwnedTableAsync_WhenAnotherServiceOwnsIt_ShouldNameTheOwner()
    {
        var table = new OwnedTable("pipeline-a-b-c", "a-b", "c", ["by-x"], false, 1, 10, 1, 5, 70);
        await _registry.PutOwnedTableAsync(table);
        await _registry.PutOwnedTableAsync(table with { MaxRead = 20 });

        var error = await Assert.ThrowsAsync<RegistryConflictException>(() =>
            _registry.PutOwnedTableAsync(table with { Service = "a", LogicalName = "b-c" }));

        Assert.Equal("a-b", error.Owner);
        Assert.Contains("owned by service a-b, not a", error.Message, StringComparison.Ordinal);
        var stored = Assert.Single(await _registry.ListOwnedTablesAsync());
        Assert.True(stored.SameAs(table with { MaxRead = 20 }));
    }

    [Fact]
    public async Task ClaimRoutesAsync_WhenOneRouteIsTaken_ShouldWithdrawThisCallsClaims()
    {
        await _registry.ClaimRoutesAsync("billing", ["*/billing"]);
        await _registry.ClaimRoutesAsync("orders", ["*/orders"]);

        var error = await Assert.ThrowsAsync<RegistryConflictException>(() =>
            _registry.ClaimRoutesAsync("orders", ["*/orders", "*/carts", "*/billing"]));

        Assert.Equal("billing", error.Owner);
        Assert.Equal(["*/billing=billing", "*/orders=orders"],
            (await _registry.ListRouteClaimsAsync()).Select(c => $"{c.RouteKey}={c.Service}"));
    }
}
