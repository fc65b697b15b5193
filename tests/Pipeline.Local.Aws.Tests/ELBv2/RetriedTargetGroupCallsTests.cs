namespace Pipeline.Local.Aws.Tests.ELBv2;

/// <summary>
/// A resumed execution repeats the ELBv2 call that was in flight when the stack stopped: each call the
/// deploy makes twice with the same input must leave what one call leaves.
/// </summary>
public sealed class RetriedTargetGroupCallsTests : TargetGroupsOnFleet
{
    [Fact]
    public async Task CreateRegisterDeregisterDelete_WhenEachIsCalledTwice_ShouldLeaveOneGroupOneTargetAndThenNothing()
    {
        var settings = new TargetGroupSettings("svc-1-0-1", 80) { DeregistrationDelay = TimeSpan.FromSeconds(30) };
        var instance = (await Fixture.Fleet.LaunchAsync(FleetFixture.Spec(), 1, CancellationToken.None))[0];
        var targets = new TargetsRequest("", [new TargetDescription(instance.InstanceId, instance.Port)]);

        var created = Groups.CreateTargetGroup(settings);
        Assert.Equal(created, Groups.CreateTargetGroup(settings));
        targets = targets with { TargetGroupArn = created.TargetGroupArn };
        Groups.RegisterTargets(targets);
        Groups.RegisterTargets(targets);

        Assert.Single(Groups.DescribeTargetGroups());
        Assert.Single(Groups.DescribeTargetHealth(new DescribeTargetHealthRequest(created.TargetGroupArn)).TargetHealthDescriptions);

        Groups.DeregisterTargets(targets);
        Groups.DeregisterTargets(targets);
        var draining = Assert.Single(Groups.DescribeTargetHealth(new DescribeTargetHealthRequest(created.TargetGroupArn)).TargetHealthDescriptions);
        Assert.Equal("draining", draining.TargetHealth.State);

        Groups.DeleteTargetGroup(created.TargetGroupArn);
        Groups.DeleteTargetGroup(created.TargetGroupArn);
        Assert.Empty(Groups.DescribeTargetGroups());
    }
}
