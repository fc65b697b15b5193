namespace Pipeline.Aws.Tests.Deploy;

[Collection(EmulatorFixture.Collection)]
public sealed class DeployLockTests(EmulatorFixture emulators)
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private const string Holder = "arn:aws:states:us-east-1:123456789012:execution:pipeline-deploy-service:holder";
    private const string Contender = "arn:aws:states:us-east-1:123456789012:execution:pipeline-deploy-service:contender";

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
    public async Task ReleaseAsync_WhenTheHolderRetriesIt_ShouldFreeTheLockOnceAndAnswerWithoutErrorAgain()
    {
        var (locks, registry) = await CreateAsync();
        await locks.AcquireAsync("orders", "exec-1", Hour);

        var first = await locks.ReleaseAsync("orders", "exec-1");
        var retried = await locks.ReleaseAsync("orders", "exec-1");

        Assert.True(first);
        Assert.False(retried);
        Assert.Null(await registry.GetLockAsync("deploy/orders"));
        Assert.Equal("exec-2", (await locks.AcquireAsync("orders", "exec-2", Hour)).Owner);
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

    [Theory]
    [InlineData(ExecutionStatuses.Aborted)]
    [InlineData(ExecutionStatuses.Failed)]
    [InlineData(ExecutionStatuses.TimedOut)]
    [InlineData(ExecutionStatuses.Succeeded)]
    public async Task AcquireAsync_WhenTheHoldersExecutionHasEnded_ShouldTakeTheLockOver(string status)
    {
        var executions = new FixedExecutionStatuses().Set(Holder, status);
        var (locks, registry) = await CreateAsync(executions);
        await locks.AcquireAsync("orders", Holder, Hour);

        var lease = await locks.AcquireAsync("orders", Contender, Hour);

        Assert.Equal(Contender, lease.Owner);
        Assert.Equal(Holder, lease.TakenOverFrom);
        var stored = (await registry.GetLockAsync("deploy/orders"))!;
        Assert.Equal((Contender, Holder), (stored.Owner, stored.TakenOverFrom));
        Assert.False(await locks.ReleaseAsync("orders", Holder));
        Assert.Equal(Contender, (await registry.GetLockAsync("deploy/orders"))!.Owner);
    }

    [Theory]
    [InlineData(ExecutionStatuses.Running)]
    [InlineData("PENDING_REDRIVE")]
    public async Task AcquireAsync_WhenTheHolderStillRuns_ShouldNotTakeItOver(string status)
    {
        var (locks, registry) = await CreateAsync(new FixedExecutionStatuses().Set(Holder, status));
        await locks.AcquireAsync("orders", Holder, Hour);

        var error = await Assert.ThrowsAsync<LockHeldException>(() => locks.AcquireAsync("orders", Contender, Hour));

        Assert.Contains($"{Holder} until", error.Message, StringComparison.Ordinal);
        Assert.EndsWith($"it is {status}", error.Message, StringComparison.Ordinal);
        Assert.Equal(Holder, (await registry.GetLockAsync("deploy/orders"))!.Owner);
    }

    [Theory]
    [InlineData(FixedExecutionStatuses.Unreadable, "could not be read (ThrottlingException: Rate exceeded)")]
    [InlineData(null, "knows no such execution")]
    public async Task AcquireAsync_WhenTheHoldersStatusCannotBeReadOrStepFunctionsKnowsNoSuchHolder_ShouldWaitForTheLease(string? holderStatus, string reason)
    {
        var executions = new FixedExecutionStatuses();
        if (holderStatus is not null)
        {
            executions.Set(Holder, holderStatus);
        }

        var (locks, registry) = await CreateAsync(executions);
        await locks.AcquireAsync("orders", Holder, Hour);

        var error = await Assert.ThrowsAsync<LockHeldException>(() => locks.AcquireAsync("orders", Contender, Hour));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(Holder, (await registry.GetLockAsync("deploy/orders"))!.Owner);
    }

    [Fact]
    public async Task AcquireAsync_WhenContendersRaceForAnEndedHoldersLock_ShouldGrantExactlyOne()
    {
        var executions = new FixedExecutionStatuses().Set(Holder, ExecutionStatuses.Aborted);
        var (locks, registry) = await CreateAsync(executions);
        await locks.AcquireAsync("orders", Holder, Hour);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                return (await locks.AcquireAsync("orders", $"{Contender}-{i}", Hour)).Owner;
            }
            catch (LockHeldException)
            {
                return null;
            }
        }));

        var winner = Assert.Single(attempts, owner => owner is not null);
        Assert.Equal(winner, (await registry.GetLockAsync("deploy/orders"))!.Owner);
        Assert.Equal(Holder, (await registry.GetLockAsync("deploy/orders"))!.TakenOverFrom);
    }

    [Fact]
    public async Task AcquireAsync_WhenGivenTheExecutionsStart_ShouldEndTheLeaseWhenTheExecutionMustHaveEnded()
    {
        var (locks, _) = await CreateAsync();
        var started = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(20);

        var lease = await locks.AcquireAsync("orders", Holder, TimeSpan.FromHours(2), started);

        Assert.InRange(lease.ExpiresAt, started + TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1), started + TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task BreakAsync_WhenHeld_ShouldRemoveTheLockAndRecordWhoWhyAndWhen()
    {
        var (locks, registry) = await CreateAsync(new FixedExecutionStatuses().Set(Holder, ExecutionStatuses.Running));
        await locks.AcquireAsync("orders", Holder, Hour);
        var before = DateTimeOffset.UtcNow;

        var broken = await locks.BreakAsync("orders", "ops@host", "holder hangs in LaunchInstances");

        Assert.NotNull(broken);
        Assert.Null(await registry.GetLockAsync("deploy/orders"));
        var record = Assert.Single(await registry.ListLockBreaksAsync("deploy/orders"));
        Assert.Equal(("deploy/orders", Holder, "ops@host", "holder hangs in LaunchInstances"), (record.Name, record.Owner, record.By, record.Reason));
        Assert.InRange(record.At, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(Contender, (await locks.AcquireAsync("orders", Contender, Hour)).Owner);
    }

    [Fact]
    public async Task BreakAsync_WhenNotHeld_ShouldReturnNullAndRecordNothing()
    {
        var (locks, registry) = await CreateAsync();

        Assert.Null(await locks.BreakAsync("orders", "ops@host", "cleanup"));
        Assert.Empty(await registry.ListLockBreaksAsync("deploy/orders"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("two\nlines")]
    public async Task BreakAsync_WhenTheReasonIsNotOneLineOfText_ShouldRefuseAndChangeNothing(string reason)
    {
        var (locks, registry) = await CreateAsync();
        await locks.AcquireAsync("orders", Holder, Hour);

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => locks.BreakAsync("orders", "ops@host", reason));

        Assert.StartsWith("reason:", error.Message, StringComparison.Ordinal);
        Assert.Equal(Holder, (await registry.GetLockAsync("deploy/orders"))!.Owner);
        Assert.Empty(await registry.ListLockBreaksAsync("deploy/orders"));
    }

    private async Task<(DeployLock Locks, DynamoDbRegistry Registry)> CreateAsync(IExecutionStatuses? executions = null)
    {
        var table = EmulatorFixture.UniqueName("registry");
        await DynamoDbRegistry.EnsureTableAsync(emulators.DynamoDb, table);
        var registry = new DynamoDbRegistry(emulators.DynamoDb, table);
        return (new DeployLock(registry, executions ?? new FixedExecutionStatuses()), registry);
    }
}
