using Pipeline.Core.Routing;
using static Pipeline.Core.Tests.Routing.RoutingFixtures;

namespace Pipeline.Core.Tests.Routing;

public class HaproxyConfigRendererTests
{
    public static TheoryData<string> Registries => new() { "empty-fleet", "one-service", "many-services" };

    [Theory]
    [MemberData(nameof(Registries))]
    public void Render_WhenRegistryFixture_ShouldMatchGoldenFile(string name)
    {
        var rendered = HaproxyConfigRenderer.Render(Load(name), Settings);

        var golden = GoldenSourcePath(name);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(golden, rendered.Text);
        }

        Assert.Equal(File.ReadAllText(golden), rendered.Text);
    }

    [Theory]
    [MemberData(nameof(Registries))]
    public void Render_WhenRegistryFixture_ShouldPassRealHaproxyCheck(string name)
    {
        var rendered = HaproxyConfigRenderer.Render(Load(name), Settings);

        var (exitCode, output) = HaproxyCheck(rendered.Text);

        Assert.True(exitCode == 0, $"haproxy -c failed for {name}:\n{output}");
        Assert.DoesNotContain("[WARNING]", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Registries))]
    public void Render_WhenInputOrderShuffled_ShouldGiveIdenticalBytes(string name)
    {
        var table = Load(name);
        var expected = HaproxyConfigRenderer.Render(table, Settings);

        for (var seed = 0; seed < 20; seed++)
        {
            var shuffled = HaproxyConfigRenderer.Render(Shuffle(table, new Random(seed)), Settings);
            Assert.Equal(expected.Text, shuffled.Text);
            Assert.Equal(expected.Sha256, shuffled.Sha256);
        }
    }

    [Fact]
    public void Render_WhenRouterSettingsGiven_ShouldReferToEachRoutersOwnVariablesWithThePublishedValuesAsDefaults()
    {
        var text = HaproxyConfigRenderer.Render(Load("one-service"), Settings).Text;

        Assert.Contains("    stats socket \"${PIPELINE_ROUTER_RUNTIME_SOCKET-/run/pipeline-router/admin.sock}\" mode 600 level admin expose-fd listeners\n", text, StringComparison.Ordinal);
        Assert.Contains("    bind \"${PIPELINE_ROUTER_BIND-127.0.0.1}:${PIPELINE_ROUTER_PORT-8080}\"\n", text, StringComparison.Ordinal);
        Assert.Empty(HaproxyConfigGrammar.Violations(text));
    }

    [Fact]
    public void Render_WhenARouterSetsItsOwnPort_ShouldBeWhatRealHaproxyReads()
    {
        var text = HaproxyConfigRenderer.Render(Load("one-service"), Settings).Text;

        // A value haproxy cannot take shows that it read the variable, not the published default.
        var (refused, output) = HaproxyCheck(text, new Dictionary<string, string> { [RouterSettings.PortVariable] = "notaport" });
        var (accepted, _) = HaproxyCheck(text, new Dictionary<string, string>
        {
            [RouterSettings.BindVariable] = "127.0.0.2",
            [RouterSettings.PortVariable] = "18081",
            [RouterSettings.RuntimeSocketVariable] = "/tmp/router-2.sock",
        });

        Assert.NotEqual(0, refused);
        Assert.Contains("notaport", output, StringComparison.Ordinal);
        Assert.Equal(0, accepted);
    }

    [Fact]
    public void Render_WhenOneTargetChanges_ShouldChangeHash()
    {
        var table = Load("one-service");
        var moved = new RoutingTable([table.Services[0] with { Targets = [new RouteTarget("i-0a1", "10.0.1.99", 3000)] }]);

        Assert.NotEqual(HaproxyConfigRenderer.Render(table, Settings).Sha256, HaproxyConfigRenderer.Render(moved, Settings).Sha256);
    }

    [Fact]
    public void Render_WhenManyServices_ShouldOrderHostRoutesFirstAndLongerPrefixesFirst()
    {
        var text = HaproxyConfigRenderer.Render(Load("many-services"), Settings).Text;
        var uses = text.Split('\n').Where(l => l.TrimStart().StartsWith("use_backend", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();

        Assert.Equal(
            [
                "use_backend svc_orders if r1_host r1_path",
                "use_backend svc_audit if r2_host",
                "use_backend svc_catalog if r3_host",
                "use_backend svc_users if r4_host",
                "use_backend svc_catalog if r5_path",
                "use_backend svc_orders if r6_path",
                "use_backend svc_users if r7_path",
                "use_backend svc_home",
            ],
            uses);
    }

    [Fact]
    public void Render_WhenServiceHasHealthCheck_ShouldWriteHttpchkAndThresholdsWithServiceAndLabelComment()
    {
        var text = HaproxyConfigRenderer.Render(Load("one-service"), Settings).Text;

        Assert.Contains("# service users, live version 1.4.7-abc1234, 2 targets\nbackend svc_users\n", text, StringComparison.Ordinal);
        Assert.Contains("    option httpchk GET /health\n", text, StringComparison.Ordinal);
        Assert.Contains("    default-server inter 2s fastinter 500ms downinter 1000ms rise 2 fall 3 observe layer7 error-limit 3 on-error mark-down\n", text, StringComparison.Ordinal);
        Assert.Contains("    server i-0a1 10.0.1.11:3000 check\n    server i-0b2 10.0.1.12:3000 check\n", text, StringComparison.Ordinal);
        Assert.Contains("    http-after-response set-header Connection close\n", text, StringComparison.Ordinal);
        Assert.Contains("backend svc_users\n    balance roundrobin\n    # One connection per request: a target never closes one as a request goes out on it.\n    option http-server-close\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WhenSameRouteListedWithAndWithoutTrailingSlash_ShouldWriteOneRule()
    {
        var table = Load("one-service");
        var doubled = new RoutingTable([table.Services[0] with { Routes = [new Route(null, "/users"), new Route(null, "/users/")] }]);

        Assert.Equal(HaproxyConfigRenderer.Render(table, Settings).Text, HaproxyConfigRenderer.Render(doubled, Settings).Text);
    }
}
