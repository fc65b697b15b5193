using Pipeline.Local.Aws.Tests.ELBv2;

namespace Pipeline.Local.Aws.Tests.EC2;

/// <summary>
/// The fleet and the target groups on a state directory that a stack leaves (`down`, or a SIGKILL
/// leaving its instances running) and the next stack restores: real processes, real health checks.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes test classes through IAsyncLifetime.")]
public sealed class FleetRestoreTests : IAsyncLifetime
{
    private const string Listener = TargetGroupsOnFleet.Listener;
    private readonly FleetFixture _fixture = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly List<IAsyncDisposable> _later = [];

    private string State => Path.Combine(_fixture.Root, "state");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var d in Enumerable.Reverse(_later))
        {
            await d.DisposeAsync();
        }
        _http.Dispose();
        await _fixture.DisposeAsync();
    }

    [Fact]
    public async Task PersistTo_WhenTheStackWentDownAndComesBack_ShouldStartTheRunningInstancesUnderTheirIdsAndPortsAndRestoreGroupsRulesAndTargets()
    {
        var fleetFile = Path.Combine(State, "fleet", "instances.json");
        var groupsFile = Path.Combine(State, "elbv2", "target-groups.json");
        var groups = new LocalTargetGroups(new FleetTargetAddresses(_fixture.Fleet), new StackContext());
        await _fixture.Fleet.PersistToAsync(fleetFile, e => Assert.Fail(e), CancellationToken.None);
        groups.CreateListener(Listener);
        groups.PersistTo(groupsFile);
        var launched = await _fixture.Fleet.LaunchAsync(FleetFixture.Spec(), 2, CancellationToken.None);
        await _fixture.Fleet.TerminateAsync([launched[1].InstanceId], CancellationToken.None);
        var live = launched[0];
        var group = groups.CreateTargetGroup(Fast("svc-1-0-1"));
        var rule = groups.CreateRule(Rule(group.TargetGroupArn));
        groups.RegisterTargets(new TargetsRequest(group.TargetGroupArn, [new TargetDescription(live.InstanceId, live.Port)]));
        await groups.DisposeAsync();
        await _fixture.Fleet.DisposeAsync(); // `down`: every process stops

        var (fleet, again) = await NextStackAsync(fleetFile, groupsFile);

        var restored = Assert.Single(fleet.Describe("svc"));
        Assert.Equal((live.InstanceId, live.Port, "running"), (restored.InstanceId, restored.Port, restored.State));
        Assert.Equal($"svc 1.0.1-abc {live.InstanceId}", await Eventually.GetWhenUpAsync(_http, $"http://127.0.0.1:{live.Port}/version"));
        Assert.Equal(group, Assert.Single(again.DescribeTargetGroups()));
        Assert.Equal(rule, Assert.Single(again.DescribeRules(Listener)), new RuleComparer());
        var health = await Eventually.WaitForAsync(
            () => again.DescribeTargetHealth(new DescribeTargetHealthRequest(group.TargetGroupArn)).TargetHealthDescriptions,
            t => t.Count == 1 && t[0].TargetHealth.State == "healthy", TimeSpan.FromSeconds(20));
        Assert.Equal(new TargetDescription(live.InstanceId, live.Port), Assert.Single(health).Target);
        Assert.Equal("healthy", health[0].TargetHealth.State);
    }

    [Fact]
    public async Task PersistTo_WhenAKilledStackLeftItsInstanceRunning_ShouldStopThatOrphanAndStartItAgainOnItsPort()
    {
        var killedStackFile = Path.Combine(State, "fleet", "instances.json");
        await _fixture.Fleet.PersistToAsync(killedStackFile, e => Assert.Fail(e), CancellationToken.None);
        var orphan = (await _fixture.Fleet.LaunchAsync(FleetFixture.Spec(), 1, CancellationToken.None))[0];
        await Eventually.GetWhenUpAsync(_http, $"http://127.0.0.1:{orphan.Port}/version");
        // The killed stack writes nothing more: the next one reads the file as it was at the kill.
        var atTheKill = Path.Combine(State, "fleet", "instances-at-kill.json");
        File.Copy(killedStackFile, atTheKill);

        var (fleet, _) = await NextStackAsync(atTheKill, Path.Combine(State, "elbv2", "target-groups.json"));

        var restored = Assert.Single(fleet.Describe("svc"));
        Assert.Equal((orphan.InstanceId, orphan.Port), (restored.InstanceId, restored.Port));
        Assert.NotEqual(orphan.ProcessId, restored.ProcessId);
        Assert.False(File.Exists($"/proc/{orphan.ProcessId}/environ") && File.ReadAllText($"/proc/{orphan.ProcessId}/stat").Split(' ')[2] != "Z",
            $"the orphan {orphan.ProcessId} still runs");
        Assert.Equal($"svc 1.0.1-abc {orphan.InstanceId}", await Eventually.GetWhenUpAsync(_http, $"http://127.0.0.1:{orphan.Port}/version"));
    }

    private async Task<(LocalProcessFleet Fleet, LocalTargetGroups Groups)> NextStackAsync(string fleetFile, string groupsFile)
    {
        var fleet = new LocalProcessFleet(State, _fixture.Store, terminationGrace: TimeSpan.FromSeconds(5), parameters: _fixture.Parameters);
        _later.Add(fleet);
        var groups = new LocalTargetGroups(new FleetTargetAddresses(fleet), new StackContext());
        _later.Add(groups);
        await fleet.PersistToAsync(fleetFile, e => Assert.Fail(e), CancellationToken.None);
        groups.PersistTo(groupsFile);
        return (fleet, groups);
    }

    private static TargetGroupSettings Fast(string name) => new(name, 80)
    {
        HealthCheckPath = "/health",
        HealthCheckInterval = TimeSpan.FromMilliseconds(300),
        HealthCheckTimeout = TimeSpan.FromMilliseconds(200),
        HealthyThresholdCount = 2,
        DeregistrationDelay = TimeSpan.FromSeconds(7),
    };

    private static CreateRuleRequest Rule(string group) => new(Listener, 7,
        [new RuleCondition("http-header", HttpHeaderConfig: new HttpHeaderConditionConfig("X-Pipeline-Target-Group", ["g"]))],
        [new RuleAction("forward", group)]);

    private sealed class RuleComparer : IEqualityComparer<LocalRule>
    {
        public bool Equals(LocalRule? x, LocalRule? y) =>
            (x!.Arn, x.ListenerArn, x.Priority, x.TargetGroupArn, x.Conditions.Count, x.Conditions[0].HttpHeaderConfig!.HttpHeaderName)
            == (y!.Arn, y.ListenerArn, y.Priority, y.TargetGroupArn, y.Conditions.Count, y.Conditions[0].HttpHeaderConfig!.HttpHeaderName);

        public int GetHashCode(LocalRule obj) => obj.Arn.GetHashCode(StringComparison.Ordinal);
    }
}
