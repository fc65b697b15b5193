using Pipeline.Core.Routing;

namespace Pipeline.Core.Tests.Routing;

public class RouteClaimsTests
{
    private static ServiceRouting Service(string name, params Route[] routes) =>
        new(name, "1.0.1-aaaaaaa", HealthCheck.Default("/status"), routes, []);

    [Theory]
    [InlineData(null, "/orders", "*/orders")]
    [InlineData(null, "/orders/", "*/orders")]
    [InlineData(null, "/", "*/")]
    [InlineData(null, null, "*/")]
    [InlineData("api.example.com", null, "api.example.com/")]
    [InlineData("api.example.com", "/v1//", "api.example.com/v1")]
    public void KeyOf_ShouldSpellOneMeaningOneWayAsTheCompilerDoes(string? host, string? prefix, string key) =>
        Assert.Equal(key, RouteClaims.KeyOf(host, prefix));

    [Fact]
    public void EnsureNoConflict_WhenTheSwitchingServiceRoutesAnotherLiveServicesPath_ShouldThrowRouteConflictNamingBoth()
    {
        var table = new RoutingTable([Service("orders", new Route(null, "/orders")), Service("billing", new Route(null, "/orders/"))]);

        var error = Assert.Throws<RouteConflictException>(() => RouteClaims.EnsureNoConflict(table, "billing"));

        Assert.Equal("Pipeline.RouteConflict", error.ErrorType);
        Assert.Equal("route */orders is claimed by live service orders; service billing cannot claim it", Assert.Single(error.Conflicts));
    }

    [Fact]
    public void EnsureNoConflict_WhenRoutesDiffer_ShouldPass()
    {
        var table = new RoutingTable([Service("orders", new Route(null, "/orders")), Service("billing", new Route(null, "/billing"))]);

        RouteClaims.EnsureNoConflict(table, "billing");
    }

    [Fact]
    public async Task Settle_ShouldLeaveExactlyTheLiveRoutesClaimedReleasingStaleAndBuildTimeClaims()
    {
        var registry = new InMemoryRegistry();
        await registry.ClaimRoutesAsync("squatter", ["*/api"]);        // a build that never went live (old RecordVersion)
        await registry.ClaimRoutesAsync("orders", ["*/orders", "*/legacy"]);
        var table = new RoutingTable([Service("orders", new Route(null, "/orders"), new Route(null, "/api/"))]);

        await RouteClaims.SettleAsync(registry, table, CancellationToken.None);

        Assert.Equal(
            [new RouteClaim("*/api", "orders"), new RouteClaim("*/orders", "orders")],
            (await registry.ListRouteClaimsAsync()).OrderBy(c => c.RouteKey, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Settle_WhenNoServiceIsLive_ShouldReleaseEveryClaim()
    {
        var registry = new InMemoryRegistry();
        await registry.ClaimRoutesAsync("orders", ["*/orders"]);

        await RouteClaims.SettleAsync(registry, RoutingTable.Empty, CancellationToken.None);

        Assert.Empty(await registry.ListRouteClaimsAsync());
    }
}
