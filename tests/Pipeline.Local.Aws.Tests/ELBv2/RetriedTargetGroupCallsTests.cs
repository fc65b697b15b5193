namespace Pipeline.Local.Aws.Tests.ELBv2;

/// <summary>
/// A resumed execution repeats the ELBv2 call that was in flight when the stack stopped: each call the
/// deploy makes twice with the same input must leave what one call leaves.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes test classes through IAsyncLifetime.")]
public sealed class RetriedTargetGroupCallsTests : IAsyncLifetime
{
    private readonly FleetFixture _fixture = new();
    private readonly LocalTargetGroups _groups;

    public RetriedTargetGroupCallsTests()
    {
        _groups = new LocalTargetGroups(new FleetTargetAddresses(_fixture.Fleet), new StackContext());
        _groups.CreateListener(LocalTargetGroupsTests.Listener);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _groups.DisposeAsync();
        await _fixture.DisposeAsync();
    }

    [Fact]
    public async Task CreateRegisterDeregisterDelete_WhenEachIsCalledTwice_ShouldLeaveOneGroupOneTargetAndThenNothing()
    {
        var settings = new TargetGroupSettings("svc-1-0-1", 80) { DeregistrationDelay = TimeSpan.FromSeconds(30) };
        var instance = (await _fixture.Fleet.LaunchAsync(FleetFixture.Spec(), 1, CancellationToken.None))[0];
        var targets = new TargetsRequest("", [new TargetDescription(instance.InstanceId, instance.Port)]);

        var created = _groups.CreateTargetGroup(settings);
        Assert.Equal(created, _groups.CreateTargetGroup(settings));
        targets = targets with { TargetGroupArn = created.TargetGroupArn };
        _groups.RegisterTargets(targets);
        _groups.RegisterTargets(targets);

        Assert.Single(_groups.DescribeTargetGroups());
        Assert.Single(_groups.DescribeTargetHealth(new DescribeTargetHealthRequest(created.TargetGroupArn)).TargetHealthDescriptions);

        _groups.DeregisterTargets(targets);
        _groups.DeregisterTargets(targets);
        var draining = Assert.Single(_groups.DescribeTargetHealth(new DescribeTargetHealthRequest(created.TargetGroupArn)).TargetHealthDescriptions);
        Assert.Equal("draining", draining.TargetHealth.State);

        _groups.DeleteTargetGroup(created.TargetGroupArn);
        _groups.DeleteTargetGroup(created.TargetGroupArn);
        Assert.Empty(_groups.DescribeTargetGroups());
    }
}
