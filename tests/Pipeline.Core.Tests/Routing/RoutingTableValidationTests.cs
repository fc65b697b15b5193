using Pipeline.Core.Routing;
using static Pipeline.Core.Tests.Routing.RoutingFixtures;

namespace Pipeline.Core.Tests.Routing;

public class RoutingTableValidationTests
{
    private static ServiceRouting Users => Load("one-service").Services[0];

    private static RoutingTableInvalidException Reject(params ServiceRouting[] services) =>
        Assert.Throws<RoutingTableInvalidException>(() => HaproxyConfigRenderer.Render(new RoutingTable(services), Settings));

    [Fact]
    public void Render_WhenTwoServicesShareAName_ShouldNameBothIndexes()
    {
        var error = Reject(Users, Users with { Routes = [] });

        Assert.Contains("services[1].name: 'users' is also the name of services[0]", error.Problems);
        Assert.Equal("Pipeline.RoutingTableInvalid", error.ErrorType);
    }

    [Fact]
    public void Render_WhenTwoTargetsShareAnId_ShouldNameTheField()
    {
        var error = Reject(Users with { Targets = [new RouteTarget("i-1", "10.0.0.1", 80), new RouteTarget("i-1", "10.0.0.2", 80)] });

        Assert.Contains("services[0].targets[1].id: 'i-1' is also the id of targets[0]", error.Problems);
    }

    [Fact]
    public void Render_WhenTwoServicesClaimTheSameRoute_ShouldNameBothServices()
    {
        var orders = Users with { Name = "orders", Routes = [new Route(null, "/users/")] };

        var error = Reject(Users, orders);

        Assert.Contains("route host=* path=/users is claimed by both 'orders' and 'users'", error.Problems);
    }

    [Theory]
    [InlineData("/health check", "services[0].health.path")]
    [InlineData("health", "services[0].health.path")]
    [InlineData("/h#x", "services[0].health.path")]
    [InlineData("/h\"x", "services[0].health.path")]
    [InlineData("/status\n", "services[0].health.path")]
    public void Render_WhenHealthPathCouldBreakTheConfig_ShouldRejectIt(string path, string field)
    {
        var error = Reject(Users with { Health = Users.Health with { Path = path } });

        Assert.Contains(error.Problems, p => p.StartsWith(field + ":", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, null, "services[0].routes[0]: needs a host, a pathPrefix or both")]
    [InlineData("Users.Example.com", null, "services[0].routes[0].host")]
    [InlineData("*.example.com", null, "services[0].routes[0].host")]
    [InlineData("a.example.com:80", null, "services[0].routes[0].host")]
    [InlineData(null, "users", "services[0].routes[0].pathPrefix")]
    [InlineData(null, "/a//b", "services[0].routes[0].pathPrefix")]
    [InlineData(null, "/a b", "services[0].routes[0].pathPrefix")]
    [InlineData("orders.example.com\n", null, "services[0].routes[0].host")]
    [InlineData(null, "/orders\n", "services[0].routes[0].pathPrefix")]
    [InlineData(null, "/a{b}", "services[0].routes[0].pathPrefix")]
    public void Render_WhenRouteIsMalformed_ShouldNameTheField(string? host, string? prefix, string expected)
    {
        var error = Reject(Users with { Routes = [new Route(host, prefix)] });

        Assert.Contains(error.Problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("i 1", "10.0.0.1", 80, "services[0].targets[0].id")]
    [InlineData("i-1", "10.0.0.1 backup", 80, "services[0].targets[0].address")]
    [InlineData("i-1", "ip-10-0-0-1.ec2.internal", 80, "services[0].targets[0].address")]
    [InlineData("i-1", "10.0.0.1", 0, "services[0].targets[0].port")]
    [InlineData("i-1\n", "10.0.0.1", 80, "services[0].targets[0].id")]
    [InlineData("i-1", "10.0.0.1\n", 80, "services[0].targets[0].address")]
    [InlineData("i-1", "10.0.0.1", 65536, "services[0].targets[0].port")]
    public void Render_WhenTargetIsMalformed_ShouldNameTheField(string id, string address, int port, string field)
    {
        var error = Reject(Users with { Targets = [new RouteTarget(id, address, port)] });

        Assert.Contains(error.Problems, p => p.StartsWith(field + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_WhenServiceNameAndLabelAreMalformed_ShouldReportBoth()
    {
        var error = Reject(Users with { Name = "Users_Svc", LiveVersion = "1.0\nglobal" });

        Assert.Contains(error.Problems, p => p.StartsWith("services[0].name:", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("services[0].liveVersion:", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_WhenThresholdsOutOfRange_ShouldNameEachField()
    {
        var error = Reject(Users with { Health = new HealthCheck("/health", 0, 0, 101) });

        Assert.Contains(error.Problems, p => p.StartsWith("services[0].health.intervalSeconds:", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("services[0].health.healthyThreshold:", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("services[0].health.unhealthyThreshold:", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_WhenSettingsAreMalformed_ShouldNameTheField()
    {
        var error = Assert.Throws<RoutingTableInvalidException>(() =>
            HaproxyConfigRenderer.Render(RoutingTable.Empty, Settings with { BindAddress = "localhost", RuntimeSocketPath = "admin.sock" }));

        Assert.Contains(error.Problems, p => p.StartsWith("settings.bindAddress:", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("settings.runtimeSocketPath:", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_WhenRuleUsesUndefinedBackend_ShouldReject()
    {
        var model = HaproxyConfigCompiler.Compile(new RoutingTable([Users]), Settings);
        var broken = model with { Backends = [] };

        var error = Assert.Throws<RoutingTableInvalidException>(() => HaproxyConfigCompiler.Verify(broken));

        Assert.Contains("a route of service 'users' uses backend 'svc_users', which is not defined", error.Problems);
    }

    [Fact]
    public void Verify_WhenBackendDefinedTwice_ShouldReject()
    {
        var model = HaproxyConfigCompiler.Compile(new RoutingTable([Users]), Settings);
        var broken = model with { Backends = [.. model.Backends, .. model.Backends] };

        var error = Assert.Throws<RoutingTableInvalidException>(() => HaproxyConfigCompiler.Verify(broken));

        Assert.Contains("backend 'svc_users' is defined twice", error.Problems);
    }
}
