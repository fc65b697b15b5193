using Pipeline.Aws.Tests.Routing;
using Pipeline.Core.Routing;

namespace Pipeline.Aws.Tests.Fleet;

/// <summary>
/// The launch, retire and rollback steps over the real registry (dynalite) and routes (s3rver);
/// only the instances are played by <see cref="RecordingFleet"/>.
/// </summary>
[Collection(EmulatorFixture.Collection)]
public class FleetStepsTests(EmulatorFixture emulators)
{
    private const string V1 = "1.4.1-aaaaaaa";
    private const string V2 = "1.4.2-bbbbbbb";

    private const string Manifest = """
        name: orders
        port: 8080
        routes:
          - pathPrefix: /orders
        instances:
          count: 2
        label: 1.4.${COUNT}-${git[:7]}
        build:
          artifact: artifact.tgz
        start: node server.js
        env:
          LOG_LEVEL: debug
        tables:
          - name: line-items
            partitionKey: { name: id, type: S }
            capacity: onDemand
        """;

    private sealed record World(DynamoDbRegistry Registry, RecordingFleet Fleet, RegistryRoutesPublisher Routes, S3RoutesStore Store)
    {
        public InstanceLauncher Launcher => new(Registry, Fleet, "pfx");

        public DeployRollback Rollback => new(Registry, Fleet, Routes);

        public VersionRetirement Retirement => new(Registry, Fleet);

        public async Task<string> CurrentConfigAsync()
        {
            var pointer = await Store.GetPointerAsync(CancellationToken.None);
            return Encoding.UTF8.GetString(await Store.GetConfigAsync(pointer!.Key, CancellationToken.None));
        }

        /// <summary>Launches a version and makes it live the way PublishRoutes does.</summary>
        public async Task<IReadOnlyList<RouteTarget>> DeployAsync(string label, string? previous, string execution)
        {
            var targets = await Launcher.LaunchAsync("orders", label, Key(label), 2, execution);
            await Routes.PublishAsync(new RouteSwitch("orders", label, targets, previous), CancellationToken.None);
            return targets;
        }
    }

    private static string Key(string label) => $"artifacts/orders/{label}/artifact.tgz";

    private static VersionRecord Version(long count, string label) => VersionRecord.Recorded(
        new VersionIdentity("orders", label, count, new string('a', 40), Key(label), $"artifacts/orders/{label}/service.yaml", "00"),
        Manifest, "exec-" + count, DateTimeOffset.UtcNow, new string('c', 64));

    private async Task<World> CreateAsync()
    {
        var routing = await RoutingWorld.CreateAsync(emulators);
        await routing.Registry.RecordVersionAsync(Version(1, V1));
        await routing.Registry.RecordVersionAsync(Version(2, V2));
        return new World(routing.Registry, new RecordingFleet(), routing.Publisher(), routing.Store);
    }

    [Fact]
    public async Task Launch_ShouldStartTheVersionAsItsManifestSaysAndReuseInstancesWhenRetried()
    {
        var world = await CreateAsync();

        var first = await world.Launcher.LaunchAsync("orders", V1, Key(V1), 2, "exec-1");
        var retried = await world.Launcher.LaunchAsync("orders", V1, Key(V1), 2, "exec-1");

        Assert.Equal(2, first.Count);
        Assert.Equal(first, retried);
        var launch = Assert.Single(world.Fleet.Launches);
        Assert.Equal(("node server.js", 8080, 2, "exec-1"), (launch.Start, launch.Port, launch.Count, launch.ExecutionId));
        Assert.Equal("8080", launch.Environment["PORT"]);
        Assert.Equal("debug", launch.Environment["LOG_LEVEL"]);
        Assert.Equal(V1, launch.Environment["PIPELINE_VERSION"]);
        Assert.Equal("pfx.orders.line-items", launch.Environment["LINE_ITEMS_TABLE"]);
    }

    [Fact]
    public async Task Launch_WhenTheStackHasAnIssuer_ShouldTellEveryInstanceItsIssuerAndKeys()
    {
        var world = await CreateAsync();
        var issuer = new Pipeline.Core.Configuration.AuthIssuerSettings("https://issuer.example.com/", "https://issuer.example.com/jwks.json");

        await new InstanceLauncher(world.Registry, world.Fleet, "pfx", issuer).LaunchAsync("orders", V1, Key(V1), 2, "exec-1");

        var launch = Assert.Single(world.Fleet.Launches);
        Assert.Equal("https://issuer.example.com/", launch.Environment["PIPELINE_AUTH_ISSUER"]);
        Assert.Equal("https://issuer.example.com/jwks.json", launch.Environment["PIPELINE_AUTH_JWKS_URL"]);
    }

    [Fact]
    public async Task Launch_WhenAnInstanceCrashed_ShouldStartOnlyTheMissingOne()
    {
        var world = await CreateAsync();
        var first = await world.Launcher.LaunchAsync("orders", V1, Key(V1), 2, "exec-1");
        world.Fleet.Crash(first[0].Id);

        var again = await world.Launcher.LaunchAsync("orders", V1, Key(V1), 2, "exec-1");

        Assert.Equal([1, 2], world.Fleet.Launches.Select(l => l.Count).Order());
        Assert.Contains(first[1], again);
        Assert.DoesNotContain(first[0], again);
    }

    [Fact]
    public async Task ReplaceDead_WhenAllRegisteredInstancesAreUp_ShouldChangeNothing()
    {
        var world = await CreateAsync();
        var registered = await world.Launcher.LaunchAsync("orders", V1, Key(V1), 2, "exec-1");

        var replacement = await world.Launcher.ReplaceDeadAsync("orders", V1, Key(V1), 2, "exec-1", registered);

        Assert.Equal(registered, replacement.Targets);
        Assert.Empty(replacement.Dead);
        Assert.Single(world.Fleet.Launches);
        Assert.Empty(world.Fleet.Terminated);
    }

    [Fact]
    public async Task ReplaceDead_WhenARegisteredInstanceStopped_ShouldTerminateItAndLaunchOneReplacementOnceAcrossRetries()
    {
        var world = await CreateAsync();
        var registered = await world.Launcher.LaunchAsync("orders", V1, Key(V1), 2, "exec-1");
        world.Fleet.Crash(registered[0].Id);

        var replacement = await world.Launcher.ReplaceDeadAsync("orders", V1, Key(V1), 2, "exec-1", registered);
        var retried = await world.Launcher.ReplaceDeadAsync("orders", V1, Key(V1), 2, "exec-1", registered);

        Assert.Equal([registered[0]], replacement.Dead);
        Assert.Equal(2, replacement.Targets.Count);
        Assert.Contains(registered[1], replacement.Targets);
        Assert.DoesNotContain(registered[0], replacement.Targets);
        Assert.Equal([registered[0].Id], world.Fleet.Terminated);
        var launch = world.Fleet.Launches.Last();
        Assert.Equal((1, "exec-1", "node server.js"), (launch.Count, launch.ExecutionId, launch.Start));
        Assert.Equal([registered[0].Id], launch.Replacing);
        // The retry after a lost answer: the replacement is up, so nothing more is launched.
        Assert.Equal(2, world.Fleet.Launches.Count);
        Assert.Equal(replacement.Targets.OrderBy(t => t.Id), retried.Targets.OrderBy(t => t.Id));
    }

    [Fact]
    public async Task ReplaceDead_WhenARegisteredInstanceIsAlreadyTerminated_ShouldReportItDeadAndReplaceIt()
    {
        var world = await CreateAsync();
        var registered = await world.Launcher.LaunchAsync("orders", V1, Key(V1), 2, "exec-1");
        await world.Fleet.TerminateAsync([registered[1].Id]);

        var replacement = await world.Launcher.ReplaceDeadAsync("orders", V1, Key(V1), 2, "exec-1", registered);

        Assert.Equal([registered[1]], replacement.Dead);
        Assert.Equal(2, replacement.Targets.Count);
        Assert.Equal(registered[0], replacement.Targets[0]);
    }

    [Fact]
    public async Task Launch_WhenTheArtifactIsNotTheVersionsOwn_ShouldFailWithoutStartingAnything()
    {
        var world = await CreateAsync();

        var error = await Assert.ThrowsAsync<LaunchFailedException>(() =>
            world.Launcher.LaunchAsync("orders", V1, Key(V2), 2, "exec-1"));
        var missing = await Assert.ThrowsAsync<VersionNotFoundException>(() =>
            world.Launcher.LaunchAsync("orders", "9.9.9-fffffff", Key(V1), 2, "exec-1"));

        Assert.Contains(Key(V2), error.Message, StringComparison.Ordinal);
        Assert.Contains("9.9.9-fffffff", missing.Message, StringComparison.Ordinal);
        Assert.Empty(world.Fleet.Launches);
    }

    [Fact]
    public async Task Retire_ShouldMarkTheReplacedVersionRetiredAndTerminateItsInstancesOnce()
    {
        var world = await CreateAsync();
        var old = await world.DeployAsync(V1, null, "exec-1");
        await world.DeployAsync(V2, V1, "exec-2");

        var first = await world.Retirement.RetireAsync("orders", V1, V2);
        var second = await world.Retirement.RetireAsync("orders", V1, V2);

        Assert.True(first.Retired);
        Assert.Equal(old.Select(t => t.Id).Order(), first.Terminated.Order());
        Assert.True(second.Retired);
        Assert.Empty(second.Terminated);
        Assert.Equal(VersionStatus.Retired, (await world.Registry.GetVersionAsync("orders", V1))!.Status);
        Assert.Equal(2, world.Fleet.Terminated.Count);
    }

    [Fact]
    public async Task Retire_WhenTheVersionIsLive_ShouldRefuseAndTerminateNothing()
    {
        var world = await CreateAsync();
        await world.DeployAsync(V1, null, "exec-1");

        var error = await Assert.ThrowsAsync<VersionStillLiveException>(() => world.Retirement.RetireAsync("orders", V1, V2));

        Assert.Equal(VersionStillLiveException.Name, error.ErrorType);
        Assert.Empty(world.Fleet.Terminated);
        Assert.Equal(V1, (await world.Registry.GetServiceAsync("orders"))!.LiveLabel);
    }

    [Fact]
    public async Task Rollback_AfterTheNewVersionWentLive_ShouldRouteBackToThePreviousVersionAndBeSafeToRunTwice()
    {
        var world = await CreateAsync();
        var old = await world.DeployAsync(V1, null, "exec-1");
        var before = await world.CurrentConfigAsync();
        var failed = await world.DeployAsync(V2, V1, "exec-2");
        Assert.Contains(failed[0].Address, await world.CurrentConfigAsync(), StringComparison.Ordinal);

        var first = await world.Rollback.RollBackAsync("orders", V2, V1, "exec-2");
        var after = await world.CurrentConfigAsync();
        var second = await world.Rollback.RollBackAsync("orders", V2, V1, "exec-2");

        Assert.Equal(before, after);
        Assert.True(first.RoutesPublished);
        Assert.Equal(failed.Select(t => t.Id).Order(), first.Terminated.Order());
        Assert.Equal((V1, "Failed"), (first.LiveLabel, first.Status));
        Assert.False(second.RoutesPublished);
        Assert.Empty(second.Terminated);
        Assert.Equal(first.RoutesVersion, second.RoutesVersion);
        Assert.Equal(V1, (await world.Registry.GetServiceAsync("orders"))!.LiveLabel);
        Assert.Equal(VersionStatus.Live, (await world.Registry.GetVersionAsync("orders", V1))!.Status);
        Assert.Equal(VersionStatus.Failed, (await world.Registry.GetVersionAsync("orders", V2))!.Status);
        Assert.DoesNotContain(world.Fleet.Terminated, old.Select(t => t.Id).Contains);
    }

    [Fact]
    public async Task Rollback_OfAFirstDeploy_ShouldLeaveTheServiceWithoutALiveVersionOrRoutes()
    {
        var world = await CreateAsync();
        await world.DeployAsync(V1, null, "exec-1");

        var result = await world.Rollback.RollBackAsync("orders", V1, null, "exec-1");

        Assert.Null(result.LiveLabel);
        Assert.Null((await world.Registry.GetServiceAsync("orders"))!.LiveLabel);
        Assert.DoesNotContain("orders", await world.CurrentConfigAsync(), StringComparison.Ordinal);
        Assert.Equal(VersionStatus.Failed, (await world.Registry.GetVersionAsync("orders", V1))!.Status);
    }

    [Fact]
    public async Task Rollback_OfARedeployOfAnOlderVersion_ShouldKeepThatVersionRedeployable()
    {
        var world = await CreateAsync();
        await world.DeployAsync(V1, null, "exec-1");
        await world.DeployAsync(V2, V1, "exec-2");
        await world.Retirement.RetireAsync("orders", V1, V2);
        await world.DeployAsync(V1, V2, "exec-3");

        var result = await world.Rollback.RollBackAsync("orders", V1, V2, "exec-3");

        Assert.Equal((V2, "Retired"), (result.LiveLabel, result.Status));
        Assert.Equal(VersionStatus.Retired, (await world.Registry.GetVersionAsync("orders", V1))!.Status);
    }

    [Fact]
    public async Task Rollback_BeforeTheRoutesMoved_ShouldOnlyTerminateAndMarkFailed()
    {
        var world = await CreateAsync();
        await world.DeployAsync(V1, null, "exec-1");
        var routesBefore = await world.CurrentConfigAsync();
        var launched = await world.Launcher.LaunchAsync("orders", V2, Key(V2), 2, "exec-2");

        var result = await world.Rollback.RollBackAsync("orders", V2, V1, "exec-2");

        Assert.False(result.RoutesPublished);
        Assert.Equal(routesBefore, await world.CurrentConfigAsync());
        Assert.Equal(launched.Select(t => t.Id).Order(), result.Terminated.Order());
        Assert.Equal((V1, "Failed"), (result.LiveLabel, result.Status));
    }
}
