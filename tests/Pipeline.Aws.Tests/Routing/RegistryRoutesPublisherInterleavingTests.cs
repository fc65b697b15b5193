using Pipeline.Core.Routing;

namespace Pipeline.Aws.Tests.Routing;

/// <summary>
/// Two services switching at once, over the real registry (dynalite) and routes bucket (s3rver):
/// whatever order the two publications interleave in, the config in force routes every service
/// to its live version. The gates below hold one publisher at the points where a stale snapshot
/// used to be taken.
/// </summary>
[Collection(EmulatorFixture.Collection)]
public class RegistryRoutesPublisherInterleavingTests(EmulatorFixture emulators)
{
    private static string Manifest(string service, string path) => $$"""
        name: {{service}}
        port: 8080
        routes:
          - pathPrefix: {{path}}
        label: 1.0.${COUNT}-${git[:7]}
        build:
          artifact: dist/app.tgz
        """;

    private static RegistryRoutesPublisher Publication(RoutingWorld stack, IRoutesSequence sequence) =>
        stack.Publisher(sequence, RoutesConfigPublisherOptions.Default with { RetryDelay = TimeSpan.FromMilliseconds(20) });

    /// <summary>
    /// Starts <paramref name="held"/> through <paramref name="gate"/>, publishes <paramref name="other"/> once the
    /// gate holds the first, then lets the first go on: both publications' results.
    /// </summary>
    private static async Task<(PublishResult Held, PublishResult Other)> InterleaveAsync(
        RoutingWorld stack, GatedSequence gate, RouteSwitch held, RouteSwitch other)
    {
        var first = Publication(stack, gate).PublishAsync(held, CancellationToken.None);
        await gate.ReachedGate.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var (second, _) = await Publication(stack, stack.Sequence).PublishAsync(other, CancellationToken.None);
        gate.HoldBeforeAcquire?.SetResult();
        gate.HoldAfterCommit?.SetResult();
        return ((await first).Result, second);
    }

    private static async Task RecordAsync(RoutingWorld stack, string service, string path, long count)
    {
        var label = $"1.0.{count}-aaaaaaa";
        var now = DateTimeOffset.UtcNow;
        var identity = new VersionIdentity(service, label, count, new string('a', 40),
            $"artifacts/{service}/{label}/app.tgz", $"artifacts/{service}/{label}/service.yaml", "00");
        await stack.Registry.RecordVersionAsync(VersionRecord.Recorded(identity, Manifest(service, path), $"exec-{service}-{count}", now));
    }

    private static RouteSwitch Switch(string service, long count, int host) =>
        new(service, $"1.0.{count}-aaaaaaa", [new($"i-{service}-{count}", $"10.0.{host}.{count}", 8080)], count == 1 ? null : $"1.0.{count - 1}-aaaaaaa");

    /// <summary>orders and catalog live at version 1, each with its own route.</summary>
    private static async Task<RoutingWorld> BothLiveAsync(RoutingWorld stack)
    {
        foreach (var (service, path) in new[] { ("orders", "/orders"), ("catalog", "/items") })
        {
            await RecordAsync(stack, service, path, 1);
            await RecordAsync(stack, service, path, 2);
        }

        await Publication(stack, stack.Sequence).PublishAsync(Switch("orders", 1, 1), CancellationToken.None);
        await Publication(stack, stack.Sequence).PublishAsync(Switch("catalog", 1, 2), CancellationToken.None);
        return stack;
    }

    private static async Task<string> CurrentConfigAsync(RoutingWorld stack)
    {
        var pointer = await stack.Store.GetPointerAsync(CancellationToken.None);
        return Encoding.UTF8.GetString(await stack.Store.GetConfigAsync(pointer!.Key, CancellationToken.None));
    }

    private static async Task AssertRoutesEveryServiceToItsLiveVersionAsync(RoutingWorld stack, string config)
    {
        foreach (var service in await stack.Registry.ListServicesAsync())
        {
            var live = service.LiveLabel!;
            var target = Assert.Single(await stack.Targets.GetAsync(service.Name, live, CancellationToken.None));
            Assert.Contains($"# service {service.Name}, live version {live}, 1 target\n", config, StringComparison.Ordinal);
            Assert.Contains($"    server {target.Id} {target.Address}:8080 check\n", config, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Publish_WhenOnePublisherWaitsWhileAnotherSwitchesAndPublishes_ShouldRenderWhatTheOtherLeft()
    {
        var stack = await BothLiveAsync(await RoutingWorld.CreateAsync(emulators));
        var waiting = new GatedSequence(stack.Sequence) { HoldBeforeAcquire = new TaskCompletionSource() };

        // A starts first and is held where it used to have rendered already; B switches catalog meanwhile.
        var (published, b) = await InterleaveAsync(stack, waiting, Switch("orders", 2, 1), Switch("catalog", 2, 2));

        Assert.Equal(b.Current.Version + 1, published.Current.Version);
        Assert.Equal("1.0.2-aaaaaaa", (await stack.Registry.GetServiceAsync("orders"))?.LiveLabel);
        Assert.Equal("1.0.2-aaaaaaa", (await stack.Registry.GetServiceAsync("catalog"))?.LiveLabel);
        var config = await CurrentConfigAsync(stack);
        await AssertRoutesEveryServiceToItsLiveVersionAsync(stack, config);
        Assert.DoesNotContain("i-catalog-1", config, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_WhenAPublisherTakesOverRightAfterAnotherCommitted_ShouldSeeTheOthersVersionLive()
    {
        var stack = await BothLiveAsync(await RoutingWorld.CreateAsync(emulators));
        var committing = new GatedSequence(stack.Sequence) { HoldAfterCommit = new TaskCompletionSource() };

        // B is held right after its commit released the lease; A publishes in that gap.
        var (_, published) = await InterleaveAsync(stack, committing, Switch("catalog", 2, 2), Switch("orders", 2, 1));

        Assert.True(published.Published);
        var config = await CurrentConfigAsync(stack);
        Assert.Equal(published.Current, await stack.Store.GetPointerAsync(CancellationToken.None));
        await AssertRoutesEveryServiceToItsLiveVersionAsync(stack, config);
        Assert.DoesNotContain("i-catalog-1", config, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_WhenTheNewVersionRoutesAnotherLiveServicesPath_ShouldFailWithRouteConflictAndPublishNothing()
    {
        var stack = await BothLiveAsync(await RoutingWorld.CreateAsync(emulators));
        await RecordAsync(stack, "billing", "/orders/", 1);
        var before = await stack.Store.GetPointerAsync(CancellationToken.None);

        var error = await Assert.ThrowsAsync<RouteConflictException>(() =>
            Publication(stack, stack.Sequence).PublishAsync(Switch("billing", 1, 3), CancellationToken.None));

        Assert.Equal("Pipeline.RouteConflict", error.ErrorType);
        Assert.Contains("route */orders is claimed by live service orders", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await stack.Store.GetPointerAsync(CancellationToken.None));
        Assert.Null((await stack.Registry.GetServiceAsync("billing"))?.LiveLabel);
        Assert.Equal(["*/items=catalog", "*/orders=orders"],
            (await stack.Registry.ListRouteClaimsAsync()).Select(c => $"{c.RouteKey}={c.Service}").Order(StringComparer.Ordinal));
        var retry = await Publication(stack, stack.Sequence).PublishAsync(null, CancellationToken.None);
        Assert.False(retry.Result.Published);
    }

    [Fact]
    public async Task Publish_WhenTheLiveVersionStopsRoutingAPath_ShouldReleaseItsClaimForAnotherService()
    {
        var stack = await RoutingWorld.CreateAsync(emulators);
        await RecordAsync(stack, "orders", "/orders", 1);
        await stack.Registry.RecordVersionAsync((await stack.Registry.GetVersionAsync("orders", "1.0.1-aaaaaaa"))! with
        {
            Label = "1.0.2-aaaaaaa", Count = 2, ExecutionId = "exec-orders-2", ManifestYaml = Manifest("orders", "/shop"),
        });
        await RecordAsync(stack, "catalog", "/orders", 1);
        await Publication(stack, stack.Sequence).PublishAsync(Switch("orders", 1, 1), CancellationToken.None);
        await Assert.ThrowsAsync<RouteConflictException>(() =>
            Publication(stack, stack.Sequence).PublishAsync(Switch("catalog", 1, 2), CancellationToken.None));

        await Publication(stack, stack.Sequence).PublishAsync(Switch("orders", 2, 1), CancellationToken.None);
        var (published, _) = await Publication(stack, stack.Sequence).PublishAsync(Switch("catalog", 1, 2), CancellationToken.None);

        Assert.True(published.Published);
        Assert.Equal(["*/orders=catalog", "*/shop=orders"],
            (await stack.Registry.ListRouteClaimsAsync()).Select(c => $"{c.RouteKey}={c.Service}").Order(StringComparer.Ordinal));
    }

    /// <summary>The real sequence, with a gate before the first acquisition or after the commit.</summary>
    private sealed class GatedSequence(IRoutesSequence inner) : IRoutesSequence
    {
        public TaskCompletionSource? HoldBeforeAcquire { get; init; }

        public TaskCompletionSource? HoldAfterCommit { get; init; }

        public TaskCompletionSource ReachedGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<RoutesLease?> TryAcquireAsync(string token, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken)
        {
            if (HoldBeforeAcquire is { Task.IsCompleted: false } gate)
            {
                ReachedGate.TrySetResult();
                await gate.Task;
                now = DateTimeOffset.UtcNow;
            }

            return await inner.TryAcquireAsync(token, now, ttl, cancellationToken);
        }

        public Task<long> ReserveNumberAsync(RoutesLease lease, CancellationToken cancellationToken) =>
            inner.ReserveNumberAsync(lease, cancellationToken);

        public async Task CommitAsync(RoutesLease lease, RoutesPointer current, CancellationToken cancellationToken)
        {
            await inner.CommitAsync(lease, current, cancellationToken);
            if (HoldAfterCommit is { } gate)
            {
                ReachedGate.TrySetResult();
                await gate.Task;
            }
        }

        public Task ReleaseAsync(RoutesLease lease, CancellationToken cancellationToken) => inner.ReleaseAsync(lease, cancellationToken);
    }
}
