using Pipeline.Aws.Registry;
using Pipeline.Core.Deploy;
using Pipeline.Core.Errors;
using Pipeline.Testing;

namespace Pipeline.Aws.Tests.Deploy;

[Collection(EmulatorFixture.Collection)]
public sealed class DeployLockTests(EmulatorFixture emulators)
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public async Task AcquireAsync_WhenLockIsFree_ShouldGiveTheLeaseToTheExecution()
    {
        var (locks, registry) = await CreateAsync();

        var lease = await locks.AcquireAsync("orders", "exec-1", Hour);

        Assert.Equal("deploy/orders", lease.Name);
        Assert.Equal("exec-1", (await registry.GetLockAsync("deploy/orders"))!.Owner);
    }

    [Fact]
    public async Task AcquireAsync_WhenAnotherExecutionHoldsIt_ShouldThrowLockHeldNamingTheHolder()
    {
        var (locks, registry) = await CreateAsync();
        await locks.AcquireAsync("orders", "exec-1", Hour);

        var error = await Assert.ThrowsAsync<LockHeldException>(() => locks.AcquireAsync("orders", "exec-2", Hour));

        Assert.Equal("Pipeline.LockHeld", error.ErrorType);
        Assert.Contains("exec-1", error.Message, StringComparison.Ordinal);
        Assert.Equal("exec-1", (await registry.GetLockAsync("deploy/orders"))!.Owner);
    }

    [Fact]
    public async Task AcquireAsync_WhenOtherServiceIsLocked_ShouldNotWait()
    {
        var (locks, _) = await CreateAsync();
        await locks.AcquireAsync("orders", "exec-1", Hour);

        var lease = await locks.AcquireAsync("billing", "exec-2", Hour);

        Assert.Equal("exec-2", lease.Owner);
    }

    [Fact]
    public async Task AcquireAsync_WhenSameExecutionRetries_ShouldRenew()
    {
        var (locks, _) = await CreateAsync();
        var first = await locks.AcquireAsync("orders", "exec-1", TimeSpan.FromMinutes(5));

        var second = await locks.AcquireAsync("orders", "exec-1", Hour);

        Assert.True(second.ExpiresAt > first.ExpiresAt);
    }

    [Fact]
    public async Task AcquireAsync_WhenHolderReleased_ShouldLetTheWaitingExecutionIn()
    {
        var (locks, _) = await CreateAsync();
        await locks.AcquireAsync("orders", "exec-1", Hour);
        await Assert.ThrowsAsync<LockHeldException>(() => locks.AcquireAsync("orders", "exec-2", Hour));

        Assert.True(await locks.ReleaseAsync("orders", "exec-1"));
        var lease = await locks.AcquireAsync("orders", "exec-2", Hour);

        Assert.Equal("exec-2", lease.Owner);
    }

    [Fact]
    public async Task ReleaseAsync_WhenCallerDoesNotHoldIt_ShouldLeaveTheHoldersLock()
    {
        var (locks, registry) = await CreateAsync();
        await locks.AcquireAsync("orders", "exec-1", Hour);

        Assert.False(await locks.ReleaseAsync("orders", "exec-2"));
        Assert.Equal("exec-1", (await registry.GetLockAsync("deploy/orders"))!.Owner);
    }

    [Fact]
    public async Task ReleaseAsync_WhenNothingIsHeld_ShouldReturnFalse()
    {
        var (locks, _) = await CreateAsync();

        Assert.False(await locks.ReleaseAsync("orders", "exec-1"));
    }

    [Theory]
    [InlineData(59)]
    [InlineData(43201)]
    public async Task AcquireAsync_WhenLeaseIsOutOfBounds_ShouldRejectItAndTakeNothing(int seconds)
    {
        var (locks, registry) = await CreateAsync();

        var error = await Assert.ThrowsAsync<InvalidInputException>(
            () => locks.AcquireAsync("orders", "exec-1", TimeSpan.FromSeconds(seconds)));

        Assert.StartsWith("leaseSeconds:", error.Message, StringComparison.Ordinal);
        Assert.Null(await registry.GetLockAsync("deploy/orders"));
    }

    [Fact]
    public async Task AcquireAsync_WhenManyExecutionsRace_ShouldGrantExactlyOne()
    {
        var (locks, _) = await CreateAsync();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await locks.AcquireAsync("orders", $"exec-{i}", Hour);
                return true;
            }
            catch (LockHeldException)
            {
                return false;
            }
        }));

        Assert.Equal(1, attempts.Count(won => won));
    }

    private async Task<(DeployLock Locks, DynamoDbRegistry Registry)> CreateAsync()
    {
        var table = EmulatorFixture.UniqueName("registry");
        await DynamoDbRegistry.EnsureTableAsync(emulators.DynamoDb, table);
        var registry = new DynamoDbRegistry(emulators.DynamoDb, table);
        return (new DeployLock(registry), registry);
    }
}
