using Pipeline.Core.Deploy;
using Pipeline.Core.Registry;

namespace Pipeline.StateMachines.Tests.Execution;

[CollectionDefinition(Name)]
public sealed class DeployHarnessDefinition : ICollectionFixture<DeployHarness>
{
    public const string Name = "deploy-service";
}

/// <summary>
/// The real deploy-service definition, end to end: each test deploys its own service, so the
/// executions share the harness (function processes, emulators) but no state.
/// </summary>
[Collection(DeployHarnessDefinition.Name)]
public sealed class DeployServiceExecutionTests(DeployHarness harness)
{
    [Fact]
    public async Task Execute_WhenCodeCommitPushesToTheDeployBranch_ShouldBuildTagAndServeTheCommit()
    {
        var service = Service(harness);
        var commit = Commit();

        var run = await harness.RunAsync(CodeCommitPush(service, commit));

        AssertSucceeded(run);
        Assert.Equal(
            ["NormalizeTrigger", "AnythingToDo", "AcquireLock", "BuildOrRedeploy", "ChooseBuildSource", "CodeCommitSource",
             "BuildAndTest", "RecordVersion", "ResolveVersion", "AlreadyLive", "InstancesOrComposite", "ProvisionTables", "LaunchInstances", "ToElbTargets"],
            run.States.Take(14).Where(s => s != "ElbTarget"));
        Assert.Equal(["PublishRoutes", "StartConvergenceClock", "CheckRouters", "RoutersConverged", "HadPreviousVersion", "ReleaseLock", "Deployed"],
            run.States.SkipWhile(s => s != "PublishRoutes"));
        var build = Assert.Single(harness.Build.Requests, r => (string)r["SourceVersion"]! == commit);
        Assert.Equal("CODECOMMIT", (string)build["SourceTypeOverride"]!);
        Assert.Equal($"https://git-codecommit.us-east-2.amazonaws.com/v1/repos/{service}", (string)build["SourceLocationOverride"]!);

        var version = run.Result.Output!["version"]!;
        var label = (string)version["label"]!;
        var live = await harness.Registry.GetLiveVersionAsync(service);
        Assert.Equal(label, live?.Label);
        Assert.Equal(commit, live!.Commit);
        Assert.Equal($"artifacts/{service}/{label}/artifact.tgz", live.ArtifactKey);
        Assert.Null(await harness.Registry.GetLockAsync(DeployLock.LockName(service)));
        Assert.Equal(2, harness.Elb.TargetsOf(TargetGroupNames.For("pipeline", service, live.Count)).Count);
        var items = (await harness.Emulators.DynamoDb.DescribeTableAsync(Pipeline.Core.Manifest.TableSpec.PhysicalName(harness.TablePrefix, service, "items"))).Table;
        Assert.Equal(("ACTIVE", "PAY_PER_REQUEST"), (items.TableStatus.Value, items.BillingModeSummary.BillingMode.Value));
        Assert.Equal(service, (await harness.Registry.GetOwnedTableAsync(items.TableName))?.Service);
    }

    [Fact]
    public async Task Execute_WhenTheRepositoryHoldsOnlyACompositeServiceYaml_ShouldRecordItAndGoLiveWithoutInstances()
    {
        var service = EmulatorFixture.UniqueName("shop");
        harness.Build.ManifestOnly.Add(service);
        harness.Build.Manifests[service] = $$"""
            name: {{service}}
            compose:
              - path: /{{service}}/customers/{customerId}
                calls:
                  orders: { service: orders, path: "/orders?customerId={customerId}" }
            """;

        var run = await harness.RunAsync(Manual(service, Commit()));

        AssertSucceeded(run);
        Assert.Equal(["BuildAndTest", "ManifestOnlyRepository", "CopyManifest", "RecordVersion", "ResolveVersion", "AlreadyLive",
                      "InstancesOrComposite", "NoInstances", "PublishRoutes"],
            run.States.SkipWhile(s => s != "BuildAndTest").Take(9));
        Assert.DoesNotContain("ProvisionTables", run.States);
        Assert.DoesNotContain("LaunchInstances", run.States);
        // No instance is launched or retired: the one fleet-side step is publishing the routes.
        Assert.Equal([$"PublishRoutes {service} 1"], harness.Fleet.Calls.Where(c => c.Contains(service, StringComparison.Ordinal)));
        var copy = Assert.Single(harness.Build.Requests, r => r["BuildspecOverride"] is not null && r["EnvironmentVariablesOverride"]!.ToJsonString().Contains(service, StringComparison.Ordinal));
        Assert.Contains("- service.yaml", (string)copy["BuildspecOverride"]!, StringComparison.Ordinal);
        var live = await harness.Registry.GetLiveVersionAsync(service);
        Assert.NotNull(live);
        Assert.Equal(live.ManifestKey, live.ArtifactKey);
        Assert.Equal($"artifacts/{service}/1/service.yaml", live.ManifestKey);
    }

    [Fact]
    public async Task Execute_WhenTheRepositoryHasNoBuildspecAndNoCompositions_ShouldFailWithoutLaunching()
    {
        var service = Service(harness);
        harness.Build.ManifestOnly.Add(service);

        var run = await harness.RunAsync(Manual(service, Commit()));

        Assert.Equal(ExecutionStatus.Failed, run.Result.Status);
        Assert.Contains("CopyManifest", run.States);
        Assert.Contains("The build left no artifact", run.Result.Cause, StringComparison.Ordinal);
        Assert.DoesNotContain("LaunchInstances", run.States);
        Assert.Empty(await harness.Registry.ListVersionsAsync(service));
    }

    [Fact]
    public async Task Execute_WhenTheBuildFails_ShouldReleaseTheLockAndFailAsBuildFailedWithoutLaunching()
    {
        var service = Service(harness);
        var commit = Commit();
        harness.Build.FailingCommits.Add(commit);

        var run = await harness.RunAsync(Manual(service, commit));

        AssertFailed(run, "Pipeline.BuildFailed");
        Assert.Contains(commit, run.Result.Cause, StringComparison.Ordinal);
        Assert.Contains("\"BuildStatus\":\"FAILED\"", run.Result.Cause, StringComparison.Ordinal);
        Assert.Equal(["BuildAndTest", "ManifestOnlyRepository", "BuildFailed", "ReleaseLockAfterFailure", "FailedWithoutRollback"], run.States.TakeLast(5));
        Assert.DoesNotContain(harness.Fleet.Calls, c => c.Contains(service, StringComparison.Ordinal));
        Assert.Empty(await harness.Registry.ListVersionsAsync(service));
        Assert.Null(await harness.Registry.GetLockAsync(DeployLock.LockName(service)));
    }

    [Fact]
    public async Task Execute_WhenNewTargetsNeverTurnHealthy_ShouldRollBackAndFailNamingTheTargets()
    {
        var service = Service(harness);
        harness.Fleet.HealthStatus[service] = 503;

        var run = await harness.RunAsync(Manual(service, Commit()));

        AssertFailed(run, "Pipeline.TargetsUnhealthy");
        Assert.Contains("unhealthy", run.Result.Cause, StringComparison.Ordinal);
        Assert.Equal(["TargetsNeverHealthy", "Rollback", "FindNewGroupRules", "DetachNewTargetGroup", "DeleteNewTargetGroup", "RollbackVersion", "ReleaseLockAfterRollback", "DeployFailed"],
            run.States.TakeLast(8));
        Assert.DoesNotContain("PublishRoutes", run.States);
        var calls = harness.Fleet.Calls.Where(c => c.Contains(service, StringComparison.Ordinal)).Select(c => c.Split(' ')[0]);
        Assert.Equal(["LaunchInstances", "Rollback"], calls);
        // While waiting, each unhealthy answer had the instances checked: all up, nothing replaced.
        Assert.Contains(harness.Fleet.Confirms, c => c.StartsWith(service + " ", StringComparison.Ordinal));
        Assert.DoesNotContain("CountReplacement", run.States);
        await AssertRolledBackAsync(service);
    }

    [Fact]
    public async Task Execute_WhenTheTargetGroupIsNeverAttachedToTheLoadBalancer_ShouldFailAsTargetsUnhealthyAsOnAws()
    {
        // The definition as it was before the health-check listener: the group is created and
        // registered into, but no rule forwards to it, so ELB never checks its targets.
        var service = Service(harness);

        var run = await harness.RunAsync(Manual(service, Commit()), edit: definition =>
        {
            var states = definition["States"]!.AsObject();
            states["EnsureTargetGroup"]!["Next"] = "SetDrainDelay";
            foreach (var attach in new[] { "ChooseRulePriority", "AttachTargetGroup", "FindAttachedRule", "WhichGroupHoldsThePriority", "RuleAlreadyAttached",
                "AnotherRulePriority", "DrawRulePriority", "NoRulePriority" })
            {
                states.Remove(attach);
            }
        });

        AssertFailed(run, "Pipeline.TargetsUnhealthy");
        Assert.Contains("unused", run.Result.Cause, StringComparison.Ordinal);
        Assert.DoesNotContain("PublishRoutes", run.States);
        var version = Assert.Single(await harness.Registry.ListVersionsAsync(service));
        Assert.DoesNotContain(TargetGroupNames.For("pipeline", service, version.Count), harness.Elb.GroupNames);
    }

    [Fact]
    public async Task Execute_WhenTheRulePriorityIsTaken_ShouldDrawAnotherAndAttachTheGroup()
    {
        var service = Service(harness);
        harness.Elb.PriorityClashes = 2;

        var run = await harness.RunAsync(Manual(service, Commit()));

        AssertSucceeded(run);
        Assert.Equal(2, run.States.Count(s => s == "DrawRulePriority"));
        await AssertOneRuleForwardsToTheLiveGroupAsync(service);
    }

    [Fact]
    public async Task Execute_WhenCreateRuleIsRetriedAfterItsSuccessWasLost_ShouldKeepTheOneRuleItMade()
    {
        var service = Service(harness);
        harness.Elb.LoseNextCreateRuleAnswer = true;

        var run = await harness.RunAsync(Manual(service, Commit()));

        AssertSucceeded(run);
        Assert.Equal(["AttachTargetGroup", "FindAttachedRule", "WhichGroupHoldsThePriority", "RuleAlreadyAttached", "SetDrainDelay"],
            run.States.SkipWhile(s => s != "AttachTargetGroup").Take(5));
        Assert.DoesNotContain("DrawRulePriority", run.States);
        await AssertOneRuleForwardsToTheLiveGroupAsync(service);
    }

    [Fact]
    public async Task Execute_WhenANewInstanceDiesBeforeItIsHealthy_ShouldReplaceItAndGoLiveOnlyWithLiveInstances()
    {
        var service = Service(harness);
        harness.Fleet.DeathsOnConfirm[service] = 1;

        var run = await harness.RunAsync(Manual(service, Commit()));

        AssertSucceeded(run);
        Assert.Equal(["ConfirmInstancesUp", "InstancesConfirmed", "CountReplacement", "ToReplacementElbTargets", "ToDeadElbTargets",
                "RegisterReplacementTargets", "DeregisterDeadTargets", "StartHealthClock", "CheckTargetHealth"],
            run.States.SkipWhile(s => s != "ConfirmInstancesUp").Take(9));
        Assert.Equal(["ConfirmInstancesUp", "InstancesConfirmed"], run.States.TakeWhile(s => s != "PublishRoutes").TakeLast(2));
        var live = await harness.Registry.GetLiveVersionAsync(service);
        var launched = harness.Fleet.Launched[live!.Label];
        var published = harness.Fleet.Published[live.Label];
        Assert.Equal(3, launched.Count);
        Assert.Equal(2, published.Count);
        Assert.DoesNotContain(launched[0], published);
        var group = TargetGroupNames.For("pipeline", service, live.Count);
        Assert.Equal(3, harness.Elb.TargetsOf(group).Count); // the dead one draining
        Assert.Null(await harness.Registry.GetLockAsync(DeployLock.LockName(service)));
    }

    [Fact]
    public async Task Execute_WhenNewInstancesKeepDying_ShouldRollBackAsInstancesKeptDyingAfterThreeRounds()
    {
        var service = Service(harness);
        harness.Fleet.DeathsOnConfirm[service] = 4;

        var run = await harness.RunAsync(Manual(service, Commit()));

        AssertFailed(run, "Pipeline.InstancesKeptDying");
        Assert.Equal(3, run.States.Count(s => s == "CountReplacement"));
        Assert.Equal(["InstancesKeptDying", "Rollback"], run.States.SkipWhile(s => s != "InstancesKeptDying").Take(2));
        Assert.DoesNotContain("PublishRoutes", run.States);
        await AssertRolledBackAsync(service);
    }

    [Fact]
    public async Task Execute_WhenEveryRulePriorityDrawnIsTaken_ShouldRollBackAsPriorityInUse()
    {
        var service = Service(harness);
        harness.Elb.PriorityClashes = 5;

        var run = await harness.RunAsync(Manual(service, Commit()));

        AssertFailed(run, "ElasticLoadBalancingV2.PriorityInUseException");
        Assert.Equal(["NoRulePriority", "Rollback", "FindNewGroupRules", "DetachNewTargetGroup", "DeleteNewTargetGroup"], run.States.SkipWhile(s => s != "NoRulePriority").Take(5));
        var version = Assert.Single(await harness.Registry.ListVersionsAsync(service));
        Assert.DoesNotContain(TargetGroupNames.For("pipeline", service, version.Count), harness.Elb.GroupNames);
    }

    [Fact]
    public async Task Execute_WhenPublishRoutesFindsTheRouteClaimedByAnotherLiveService_ShouldRollBackAndFailAsRouteConflict()
    {
        var service = Service(harness);
        harness.Fleet.RouteConflicts[service] = "billing";

        var run = await harness.RunAsync(Manual(service, Commit()));

        AssertFailed(run, "Pipeline.RouteConflict");
        Assert.Contains("claimed by live service billing", run.Result.Cause, StringComparison.Ordinal);
        Assert.Equal(["PublishRoutes", "Rollback", "FindNewGroupRules", "DetachNewTargetGroup", "DeleteNewTargetGroup", "RollbackVersion", "ReleaseLockAfterRollback", "DeployFailed"],
            run.States.TakeLast(8));
        var calls = harness.Fleet.Calls.Where(c => c.Contains(service, StringComparison.Ordinal)).Select(c => c.Split(' ')[0]);
        Assert.Equal(["LaunchInstances", "PublishRoutes", "Rollback"], calls);
        var version = Assert.Single(await harness.Registry.ListVersionsAsync(service));
        var group = TargetGroupNames.For("pipeline", service, version.Count);
        Assert.DoesNotContain(harness.Elb.RuleTargets, arn => arn.Contains("/" + group + "/", StringComparison.Ordinal));
        await AssertRolledBackAsync(service);
    }

    [Fact]
    public async Task Execute_WhenRedeployingAnOlderVersion_ShouldSkipTheBuildAndDrainTheCurrentOne()
    {
        var service = Service(harness);
        var first = await harness.RunAsync(Manual(service, Commit()));
        var second = await harness.RunAsync(Manual(service, Commit()));
        AssertSucceeded(first);
        AssertSucceeded(second);
        var v1 = (string)first.Result.Output!["version"]!["label"]!;
        var v2 = (string)second.Result.Output!["version"]!["label"]!;
        Assert.Contains("DeregisterOldTargets", second.States);
        var builds = harness.Build.Requests.Count;

        var rollback = await harness.RunAsync($$"""{"service": "{{service}}", "version": "{{v1}}", "reason": "v2 misbehaves"}""");

        AssertSucceeded(rollback);
        Assert.Equal(builds, harness.Build.Requests.Count);
        Assert.DoesNotContain("BuildAndTest", rollback.States);
        Assert.DoesNotContain("RecordVersion", rollback.States);
        Assert.Contains("TargetRequestedVersion", rollback.States);
        Assert.Equal(v2, (string?)rollback.Result.Output!["version"]!["previousLabel"]);
        Assert.Equal(v1, (await harness.Registry.GetLiveVersionAsync(service))?.Label);
        var calls = harness.Fleet.Calls.Where(c => c.Contains(service, StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [$"LaunchInstances {service} {v1}", $"PublishRoutes {service} {v1}",
             $"LaunchInstances {service} {v2}", $"PublishRoutes {service} {v2}", $"RetireVersion {service} {v1}",
             $"LaunchInstances {service} {v1}", $"PublishRoutes {service} {v1}", $"RetireVersion {service} {v2}"],
            calls);
        var v2Record = await harness.Registry.GetVersionAsync(service, v2);
        Assert.DoesNotContain(TargetGroupNames.For("pipeline", service, v2Record!.Count), harness.Elb.GroupNames);

        var again = await harness.RunAsync($$"""{"service": "{{service}}", "version": "{{v1}}"}""");

        AssertSucceeded(again);
        Assert.Equal("VersionAlreadyLive", again.States[^1]);
        Assert.Null(await harness.Registry.GetLockAsync(DeployLock.LockName(service)));
    }

    [Fact]
    public async Task Execute_WhenTheVersionIsUnknown_ShouldFailAsVersionNotFoundAndReleaseTheLock()
    {
        var service = Service(harness);

        var run = await harness.RunAsync($$"""{"service": "{{service}}", "version": "0.0.404"}""");

        AssertFailed(run, "Pipeline.VersionNotFound");
        Assert.Contains("0.0.404", run.Result.Cause, StringComparison.Ordinal);
        Assert.Equal(["ResolveVersion", "ReleaseLockAfterFailure", "FailedWithoutRollback"], run.States.TakeLast(3));
        Assert.Null(await harness.Registry.GetLockAsync(DeployLock.LockName(service)));
    }

    [Fact]
    public async Task Execute_WhenTheTriggerIsATagPush_ShouldEndWithNothingToDo()
    {
        var push = CodeCommitPush(Service(harness), Commit()).Replace("\"referenceType\": \"branch\"", "\"referenceType\": \"tag\"", StringComparison.Ordinal);

        var run = await harness.RunAsync(push);

        AssertSucceeded(run);
        Assert.Equal(["NormalizeTrigger", "AnythingToDo", "NothingToDo"], run.States);
        Assert.Equal("none", (string?)run.Result.Output!["request"]!["action"]);
    }

    [Fact]
    public async Task Execute_WhenTheTriggerIsMalformed_ShouldFailAsInvalidInputNamingTheField()
    {
        var run = await harness.RunAsync("""{"service": "orders"}""");

        AssertFailed(run, "Pipeline.InvalidInput");
        Assert.Contains("commit", run.Result.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_WhenTwoPushesOfOneServiceRace_ShouldDeployThemOneAfterTheOther()
    {
        var service = Service(harness);

        // A tenth of real time: the waiting run's bounded lock wait (an hour) must outlast a whole deploy here.
        var runs = await Task.WhenAll(
            harness.RunAsync(Manual(service, Commit()), waitTimeScale: 0.1),
            harness.RunAsync(Manual(service, Commit()), waitTimeScale: 0.1));

        AssertSucceeded(runs[0]);
        AssertSucceeded(runs[1]);
        var calls = harness.Fleet.Calls.Where(c => c.Contains(service, StringComparison.Ordinal)).Select(c => c.Split(' ')).ToList();
        var (a, b) = (calls[0][2], calls[2][2]);
        Assert.NotEqual(a, b);
        Assert.Equal(
            [$"LaunchInstances {a}", $"PublishRoutes {a}", $"LaunchInstances {b}", $"PublishRoutes {b}", $"RetireVersion {a}"],
            calls.Select(c => $"{c[0]} {c[2]}"));
        Assert.Equal(b, (await harness.Registry.GetLiveVersionAsync(service))?.Label);
    }

    [Fact]
    public async Task Execute_WhenTheLockIsHeldByAnExecutionThatWasStopped_ShouldTakeItOverAndDeploy()
    {
        const string stopped = "arn:aws:states:us-east-1:123456789012:execution:deploy-service:stopped-by-an-operator";
        var service = await ServiceLockedByAsync(stopped, "ABORTED");

        var run = await harness.RunAsync(Manual(service, Commit()));

        AssertSucceeded(run);
        Assert.Single(run.States, s => s == "AcquireLock");
        Assert.Null(await harness.Registry.GetLockAsync(DeployLock.LockName(service)));
        Assert.NotNull(await harness.Registry.GetLiveVersionAsync(service));
    }

    [Fact]
    public async Task Execute_WhenARunningExecutionKeepsTheLock_ShouldWaitThenFailAsLockHeldNamingIt()
    {
        const string running = "arn:aws:states:us-east-1:123456789012:execution:deploy-service:still-deploying";
        var service = await ServiceLockedByAsync(running, "RUNNING");

        var run = await harness.RunAsync(Manual(service, Commit()), waitTimeScale: 0.0001);

        AssertFailed(run, "Pipeline.LockHeld");
        Assert.Contains($"{running} until", run.Result.Cause, StringComparison.Ordinal);
        Assert.Contains("; it is RUNNING", run.Result.Cause, StringComparison.Ordinal);
        Assert.Equal("DeployBusy", run.States[^1]);
        Assert.Equal(running, (await harness.Registry.GetLockAsync(DeployLock.LockName(service)))!.Owner);
    }

    /// <summary>A fresh service whose deploy lock <paramref name="owner"/> holds, an execution Step Functions reports as <paramref name="status"/>.</summary>
    private async Task<string> ServiceLockedByAsync(string owner, string status)
    {
        var service = Service(harness);
        harness.SetExecutionStatus(owner, status);
        await harness.Registry.TryAcquireLockAsync(DeployLock.LockName(service), owner, TimeSpan.FromHours(2));
        return service;
    }

    internal static string Service(DeployHarness harness)
    {
        var service = EmulatorFixture.UniqueName("svc");
        harness.Build.Manifests[service] = $$"""
            name: {{service}}
            port: 3000
            health: { path: /status, intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 2, unhealthyThreshold: 2 }
            instances: { count: 2 }
            routes:
              - pathPrefix: /{{service}}
            build: { artifact: artifact.tgz }
            tables:
              - name: items
                partitionKey: { name: id, type: S }
                capacity: onDemand
            """;
        return service;
    }

    internal static string Commit() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + "00000000";

    private static string Manual(string service, string commit) => $$"""{"service": "{{service}}", "commit": "{{commit}}"}""";

    internal static string CodeCommitPush(string service, string commit) => $$"""
        {
          "version": "0", "id": "{{Guid.NewGuid()}}", "detail-type": "CodeCommit Repository State Change",
          "source": "aws.codecommit", "account": "123456789012", "time": "2026-11-28T07:00:00Z", "region": "us-east-2",
          "resources": ["arn:aws:codecommit:us-east-2:123456789012:{{service}}"],
          "detail": {
            "commitId": "{{commit}}", "event": "referenceUpdated", "referenceFullName": "refs/heads/main",
            "referenceName": "main", "referenceType": "branch", "repositoryName": "{{service}}"
          }
        }
        """;

    /// <summary>The one version failed, nothing live, its target group deleted and the lock released.</summary>
    private async Task AssertRolledBackAsync(string service)
    {
        var version = Assert.Single(await harness.Registry.ListVersionsAsync(service));
        Assert.Equal(VersionStatus.Failed, version.Status);
        Assert.Null((await harness.Registry.GetServiceAsync(service))!.LiveLabel);
        Assert.DoesNotContain(TargetGroupNames.For("pipeline", service, version.Count), harness.Elb.GroupNames);
        Assert.Null(await harness.Registry.GetLockAsync(DeployLock.LockName(service)));
    }

    private async Task AssertOneRuleForwardsToTheLiveGroupAsync(string service)
    {
        var live = await harness.Registry.GetLiveVersionAsync(service);
        var group = TargetGroupNames.For("pipeline", service, live!.Count);
        Assert.Single(harness.Elb.RuleTargets, arn => arn.Contains("/" + group + "/", StringComparison.Ordinal));
    }

    private void AssertSucceeded(DeployRun run) =>
        Assert.True(run.Result.Status == ExecutionStatus.Succeeded, Describe(run));

    private void AssertFailed(DeployRun run, string error) =>
        Assert.True(run.Result.Status == ExecutionStatus.Failed && run.Result.Error == error, $"expected {error}; " + Describe(run));

    private string Describe(DeployRun run) =>
        $"{run.Name} ended {run.Result.Status}: {run.Result.Error}: {run.Result.Cause}\nstates: {string.Join(" > ", run.States)}\n" +
        "function log tail:\n" + string.Join('\n', harness.FunctionLog.TakeLast(30));
}
