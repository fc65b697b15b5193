using Pipeline.Core.Routing;

namespace Pipeline.Core.Tests.Routing;

public class HaproxyConfigGrammarTests
{
    private static readonly RouterSettings DroppingRoot = RoutingFixtures.Settings with { User = "haproxy", Group = "haproxy" };

    public static TheoryData<string, bool> Rendered => new()
    {
        { "empty-fleet", false }, { "one-service", false }, { "many-services", false },
        { "empty-fleet", true }, { "one-service", true }, { "many-services", true },
    };

    /// <summary>A config a bucket writer could publish: haproxy -c accepts it, and every health check would run /bin/sh.</summary>
    private const string Shell = """
        global
            insecure-fork-wanted
            external-check
        defaults
            mode http
            timeout connect 1s
            timeout client 1s
            timeout server 1s
        frontend http
            bind 127.0.0.1:18080
            default_backend svc_web
        backend svc_web
            option external-check
            external-check command /bin/sh
            server t1 127.0.0.1:1 check

        """;

    [Theory]
    [MemberData(nameof(Rendered))]
    public void Violations_WhenTheRendererWroteTheConfig_ShouldBeNone(string fixture, bool dropRoot)
    {
        var config = HaproxyConfigRenderer.Render(RoutingFixtures.Load(fixture), dropRoot ? DroppingRoot : RoutingFixtures.Settings);

        Assert.Empty(HaproxyConfigGrammar.Violations(config.Text));
    }

    [Fact]
    public void Render_WhenUserAndGroupAreSet_ShouldDropRootInGlobalAndHaproxyShouldAcceptIt()
    {
        var config = HaproxyConfigRenderer.Render(RoutingFixtures.Load("one-service"), DroppingRoot).Text;

        var global = config[config.IndexOf("global\n", StringComparison.Ordinal)..config.IndexOf("defaults\n", StringComparison.Ordinal)];
        Assert.Contains("    user haproxy\n    group haproxy\n", global, StringComparison.Ordinal);
        var (exit, output) = RoutingFixtures.HaproxyCheck(config);
        Assert.True(exit == 0, output);
        Assert.DoesNotContain("\n    user ", HaproxyConfigRenderer.Render(RoutingFixtures.Load("one-service"), RoutingFixtures.Settings).Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("root\n    lua-load /tmp/x.lua")]
    [InlineData("Haproxy")]
    [InlineData("ha proxy")]
    [InlineData("haproxy\n")]
    public void Render_WhenTheUserIsNotASystemName_ShouldRefuseIt(string user)
    {
        var error = Assert.Throws<RoutingTableInvalidException>(() =>
            HaproxyConfigRenderer.Render(RoutingTable.Empty, RoutingFixtures.Settings with { User = user }));

        Assert.Contains("settings.user", Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Violations_WhenAConfigRunsAShellThatHaproxyAccepts_ShouldNameEveryForeignLine()
    {
        var (exit, output) = RoutingFixtures.HaproxyCheck(Shell);
        Assert.True(exit == 0, "haproxy -c should accept this config, which is why the agent needs its own check: " + output);

        var violations = HaproxyConfigGrammar.Violations(Shell);

        Assert.Equal(
        [
            "line 2: 'insecure-fork-wanted' is not a directive the renderer writes there",
            "line 3: 'external-check' is not a directive the renderer writes there",
            "line 6: 'timeout connect 1s' is not a directive the renderer writes there",
            "line 7: 'timeout client 1s' is not a directive the renderer writes there",
            "line 8: 'timeout server 1s' is not a directive the renderer writes there",
            "line 11: 'default_backend svc_web' is not a directive the renderer writes there",
            "line 13: 'option external-check' is not a directive the renderer writes there",
            "line 14: 'external-check command /bin/sh' is not a directive the renderer writes there",
        ], violations);
    }

    [Theory]
    [InlineData("program shell\n    command /bin/sh -c id\n", "'program shell' is not a section the renderer writes")]
    [InlineData("global\n    lua-load /tmp/x.lua\n", "'lua-load /tmp/x.lua'")]
    [InlineData("global\n    stats socket ipv4@0.0.0.0:9999 mode 600 level admin expose-fd listeners\n", "stats socket ipv4@")]
    [InlineData("backend no_route\n    http-request return status 404 content-type text/plain file /etc/shadow\n", "file /etc/shadow")]
    [InlineData("global\n\tmaxconn 10\n", "maxconn 10")]
    [InlineData("global\n    maxconn 10\r\n", "maxconn 10")]
    [InlineData("    maxconn 10\n", "maxconn 10")]
    [InlineData(".if defined(X)\n", ".if defined(X)")]
    [InlineData("frontend http\n    acl r1_path path -f /etc/passwd\n", "-f /etc/passwd")]
    [InlineData("frontend http\n    bind 127.0.0.1:80 ${HOME}\n", "${HOME}")]
    [InlineData("frontend http\n    bind \"${HOME-127.0.0.1}:${PIPELINE_ROUTER_PORT-80}\"\n", "${HOME-")]
    [InlineData("frontend http\n    bind \"${PIPELINE_ROUTER_BIND}:${PIPELINE_ROUTER_PORT-80}\"\n", "${PIPELINE_ROUTER_BIND}")]
    [InlineData("global\n    stats socket \"${PIPELINE_ROUTER_RUNTIME_SOCKET-ipv4@0.0.0.0:9999}\" mode 600 level admin expose-fd listeners\n", "ipv4@")]
    [InlineData("global\n    stats socket \"${AWS_SECRET_ACCESS_KEY-/tmp/a.sock}\" mode 600 level admin expose-fd listeners\n", "AWS_SECRET")]
    public void Violations_WhenALineIsNotOneTheRendererWrites_ShouldNameIt(string config, string expected) =>
        Assert.Contains(HaproxyConfigGrammar.Violations(config), v => v.Contains(expected, StringComparison.Ordinal));
}
