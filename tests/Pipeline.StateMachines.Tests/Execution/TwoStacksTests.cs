using Pipeline.Core.Deploy;
using Pipeline.Core.Manifest;

namespace Pipeline.StateMachines.Tests.Execution;

/// <summary>
/// Two stacks in one account: the deploy definition and the real functions of each, over one
/// DynamoDB, one S3 and one ELBv2, each with its own registry and buckets as its template creates
/// them and its table prefix the stack name. Both deploy the same service, and neither sees or
/// changes what the other deployed.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes test classes through IAsyncLifetime.")]
public sealed class TwoStacksTests : IAsyncLifetime
{
    private readonly EmulatorFixture _emulators = new();
    private readonly FaultyElb _elb = new();
    private DeployHarness _first = null!;
    private DeployHarness _second = null!;

    public async Task InitializeAsync()
    {
        await _emulators.InitializeAsync();
        _first = new DeployHarness("pipeline", "pipeline", _emulators, _elb);
        _second = new DeployHarness("pipeline-prod", "pipeline-prod", _emulators, _elb);
        await _first.InitializeAsync();
        await _second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _elb.DisposeAsync();
        await _emulators.DisposeAsync();
    }

    [Fact]
    public async Task Deploy_OfOneServiceByTwoStacks_ShouldGiveEachItsOwnGroupsTablesAndVersions()
    {
        var service = DeployServiceExecutionTests.Service(_first);
        _second.Build.Manifests[service] = _first.Build.Manifests[service];

        await DeployAsync(_first, service);
        var first = (await _first.Registry.GetLiveVersionAsync(service))!;
        var firstGroup = TargetGroupNames.For("pipeline", service, first.Count);
        var firstTargets = _elb.TargetsOf(firstGroup);
        var firstFleetCalls = _first.Fleet.Calls.ToList();
        await DeployAsync(_second, service);
        var second = (await _second.Registry.GetLiveVersionAsync(service))!;
        var secondGroup = TargetGroupNames.For("pipeline-prod", service, second.Count);

        // Each stack counts its own versions, so the same count must not mean the same group.
        Assert.Equal(first.Count, second.Count);
        Assert.NotEqual(firstGroup, secondGroup);
        Assert.Equal(("pipeline", "pipeline-prod"), (_elb.StackTagOf(firstGroup), _elb.StackTagOf(secondGroup)));
        Assert.Equal(firstTargets, _elb.TargetsOf(firstGroup));
        Assert.Equal(2, _elb.TargetsOf(secondGroup).Count);

        var firstTable = TableSpec.PhysicalName("pipeline", service, "items");
        var secondTable = TableSpec.PhysicalName("pipeline-prod", service, "items");
        Assert.Equal(service, (await _first.Registry.GetOwnedTableAsync(firstTable))?.Service);
        Assert.Equal(service, (await _second.Registry.GetOwnedTableAsync(secondTable))?.Service);
        Assert.Null(await _first.Registry.GetOwnedTableAsync(secondTable));
        Assert.Null(await _second.Registry.GetOwnedTableAsync(firstTable));
        Assert.Equal("ACTIVE", (await _emulators.DynamoDb.DescribeTableAsync(firstTable)).Table.TableStatus.Value);
        Assert.Equal("ACTIVE", (await _emulators.DynamoDb.DescribeTableAsync(secondTable)).Table.TableStatus.Value);

        // The second deploy launched, published and retired nothing through the first stack.
        Assert.Equal(first.Label, (await _first.Registry.GetLiveVersionAsync(service))?.Label);
        Assert.Equal(firstFleetCalls, _first.Fleet.Calls);
    }

    private static async Task DeployAsync(DeployHarness harness, string service)
    {
        var run = await harness.RunAsync(DeployServiceExecutionTests.CodeCommitPush(service, DeployServiceExecutionTests.Commit()));
        Assert.True(run.Result.Status == ExecutionStatus.Succeeded, $"{harness.StackName}: {run.Result.Error}: {run.Result.Cause}");
    }
}
