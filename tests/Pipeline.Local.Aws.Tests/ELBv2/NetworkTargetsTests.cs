namespace Pipeline.Local.Aws.Tests.ELBv2;

public sealed class NetworkTargetsTests
{
    private static readonly NetworkHealthCheck Check = new(TimeSpan.FromSeconds(5), HealthyThreshold: 3, UnhealthyThreshold: 2, TimeSpan.FromSeconds(2));

    [Fact]
    public void Acquire_WhenATargetPassedFewerChecksThanTheThreshold_ShouldNotSendItAConnection()
    {
        var targets = new NetworkTargets(Check);
        targets.Register("a", 1, 2);
        targets.Record("a", true);
        targets.Record("a", true);

        Assert.Null(targets.Acquire());
        Assert.Equal(NetworkTargetState.Initial, targets.Describe().Single().State);

        targets.Record("a", true);
        Assert.Equal("a", targets.Acquire()?.Id);
    }

    [Fact]
    public void Acquire_WhenSeveralTargetsAreHealthy_ShouldGoRoundRobinAndCountOpenConnections()
    {
        var targets = Healthy("a", "b");

        var chosen = Enumerable.Range(0, 4).Select(_ => targets.Acquire()!.Id).ToList();

        Assert.Equal(["a", "b", "a", "b"], chosen);
        Assert.All(targets.Describe(), t => Assert.Equal(2, t.ActiveConnections));
    }

    [Fact]
    public void Record_WhenAHealthyTargetFailsTheUnhealthyThresholdInARow_ShouldTakeItOutUntilItPassesTheHealthyThreshold()
    {
        var targets = Healthy("a", "b");
        targets.Record("a", false);
        Assert.Equal(NetworkTargetState.Healthy, State(targets, "a"));

        targets.Record("a", false);
        Assert.Equal(NetworkTargetState.Unhealthy, State(targets, "a"));
        Assert.Equal(["b", "b"], [targets.Acquire()!.Id, targets.Acquire()!.Id]);

        targets.Record("a", true);
        targets.Record("a", true);
        targets.Record("a", false);
        targets.Record("a", true);
        Assert.Equal(NetworkTargetState.Unhealthy, State(targets, "a"));
        targets.Record("a", true);
        targets.Record("a", true);
        Assert.Equal(NetworkTargetState.Healthy, State(targets, "a"));
    }

    [Fact]
    public void Acquire_WhenNoTargetIsHealthy_ShouldFailOpenOverTheUnhealthyOnesButNeverTheInitialOnes()
    {
        var targets = Healthy("a");
        targets.Register("new", 3, 4);
        targets.Record("a", false);
        targets.Record("a", false);

        Assert.Equal(["a", "a"], [targets.Acquire()!.Id, targets.Acquire()!.Id]);
    }

    [Fact]
    public void Deregister_WhenATargetHasOpenConnections_ShouldSendItNoNewOneAndBeDrainedOnlyOnceTheyClose()
    {
        var targets = Healthy("a", "b");
        var first = targets.Acquire()!;
        Assert.Equal("a", first.Id);

        Assert.True(targets.Deregister("a"));
        targets.Record("a", true);

        Assert.Equal(NetworkTargetState.Draining, State(targets, "a"));
        Assert.Equal(["b", "b", "b"], [targets.Acquire()!.Id, targets.Acquire()!.Id, targets.Acquire()!.Id]);
        Assert.DoesNotContain(targets.ToCheck(), t => t.Id == "a");
        Assert.False(targets.IsDrained("a"));
        targets.Release("a");
        Assert.True(targets.IsDrained("a"));
        Assert.False(targets.Deregister("missing"));
    }

    [Fact]
    public void Acquire_WhenATargetRefusedThisConnection_ShouldTryAnotherAndGiveUpWhenNoneIsLeft()
    {
        var targets = Healthy("a", "b");

        Assert.Equal("b", targets.Acquire(["a"])!.Id);
        Assert.Null(targets.Acquire(["a", "b"]));
    }

    [Fact]
    public void Register_WhenTheIdIsTaken_ShouldRefuseIt()
    {
        var targets = Healthy("a");

        Assert.Throws<InvalidOperationException>(() => targets.Register("a", 5, 6));
    }

    private static NetworkTargets Healthy(params string[] ids)
    {
        var targets = new NetworkTargets(Check);
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            targets.Register(id, 1000 + i, 2000 + i);
            for (var n = 0; n < Check.HealthyThreshold; n++)
            {
                targets.Record(id, true);
            }
        }

        return targets;
    }

    private static NetworkTargetState State(NetworkTargets targets, string id) => targets.Describe().Single(t => t.Id == id).State;
}
