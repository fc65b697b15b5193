using Pipeline.Core.Routing;

namespace Pipeline.Aws.Tests.Routing;

[Collection(EmulatorFixture.Collection)]
public class RegistryRoutesPublisherTests(EmulatorFixture emulators)
{
    private const string Manifest = """
        name: orders
        port: 8080
        health:
          path: /status
          intervalSeconds: 10
          timeoutSeconds: 5
          healthyThreshold: 3
          unhealthyThreshold: 2
        routes:
          - pathPrefix: /orders
          - host: orders.example.com
        instances:
          count: 2
        label: 1.4.${COUNT}-${git[:7]}
        build:
          artifact: dist/orders.zip
        """;

    private static VersionRecord Version(long count, string label) => VersionRecord.Recorded(
        new VersionIdentity("orders", label, count, new string('a', 40), $"artifacts/orders/{label}/orders.zip", $"artifacts/orders/{label}/service.yaml", "00"),
        Manifest, "exec-" + count, DateTimeOffset.UtcNow);

    [Fact]
    public async Task Publish_WhenDeploySwitchesAService_ShouldRouteItsNewTargetsMarkItLiveAndLaterPublishNothingNew()
    {
        var routing = await RoutingWorld.CreateAsync(emulators);
        var (registry, store, publication) = (routing.Registry, routing.Store, routing.Publisher());
        await registry.RecordVersionAsync(Version(1, "1.4.1-aaaaaaa"));

        var first = await publication.PublishAsync(new RouteSwitch("orders", "1.4.1-aaaaaaa", [new("i-1", "10.0.0.1", 8080), new("i-2", "10.0.0.2", 8080)]), CancellationToken.None);
        await registry.RecordVersionAsync(Version(2, "1.4.2-bbbbbbb"));
        var second = await publication.PublishAsync(new RouteSwitch("orders", "1.4.2-bbbbbbb", [new("i-3", "10.0.0.3", 8080)], "1.4.1-aaaaaaa"), CancellationToken.None);
        Assert.Equal("1.4.2-bbbbbbb", (await registry.GetServiceAsync("orders"))?.LiveLabel);
        var retried = await publication.PublishAsync(new RouteSwitch("orders", "1.4.2-bbbbbbb", [new("i-3", "10.0.0.3", 8080)], "1.4.1-aaaaaaa"), CancellationToken.None);
        var republish = await publication.PublishAsync(null, CancellationToken.None);

        Assert.True(first.Result.Published);
        Assert.True(second.Result.Published);
        Assert.Equal(first.Result.Current.Revision, second.Result.Current.Previous);
        var text = System.Text.Encoding.UTF8.GetString(await store.GetConfigAsync(second.Result.Current.Key, CancellationToken.None));
        Assert.Contains("# service orders, live version 1.4.2-bbbbbbb, 1 target\n", text, StringComparison.Ordinal);
        Assert.Contains("    option httpchk GET /status\n", text, StringComparison.Ordinal);
        Assert.Contains("    default-server inter 10s fastinter 500ms downinter 1000ms rise 3 fall 2 observe layer7 error-limit 3 on-error mark-down\n    server i-3 10.0.0.3:8080 check\n", text, StringComparison.Ordinal);
        Assert.Contains("acl r1_host hdr(host),field(1,:) -i orders.example.com", text, StringComparison.Ordinal);
        Assert.Contains("acl r2_path path_beg /orders/", text, StringComparison.Ordinal);
        Assert.DoesNotContain("i-1", text, StringComparison.Ordinal);
        Assert.False(retried.Result.Published);
        Assert.False(republish.Result.Published);
        Assert.Equal(second.Result.Current, republish.Result.Current);
    }
}
