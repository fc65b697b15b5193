using Pipeline.Core.Compose;
using Pipeline.Core.Manifest;
using Pipeline.Core.Routing;
using static Pipeline.Core.Tests.Routing.RoutingFixtures;

namespace Pipeline.Core.Tests.Routing;

/// <summary>Compositions in the routing table: their claims, their rules to the composer and their lines in the published config.</summary>
public sealed class CompositionRoutingTests
{
    private static readonly ServiceManifest Orders = ManifestParser.Parse(
        "name: orders\nport: 8080\nbuild: { artifact: a.tgz }\nroutes:\n  - pathPrefix: /orders\n");

    /// <summary>The composite service the repository ships as its example.</summary>
    private static readonly ServiceManifest Storefront = ManifestParser.Parse(
        File.ReadAllText(RepositoryRoot.Combine("examples/compositions/storefront/service.yaml")));

    [Fact]
    public void Render_WhenAServiceComposes_ShouldSendItsPrefixesToTheComposerAndCarryTheCompositions()
    {
        var text = HaproxyConfigRenderer.Render(ManifestRouting.Preview([Orders, Storefront]), Settings).Text;

        Assert.Empty(HaproxyConfigGrammar.Violations(text));
        var (exitCode, output) = HaproxyCheck(text);
        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("[WARNING]", output, StringComparison.Ordinal);
        Assert.Contains("    acl r1_path path /storefront/customers\n    acl r1_path path_beg /storefront/customers/\n    use_backend composer if r1_path\n", text, StringComparison.Ordinal);
        Assert.Contains("    use_backend composer if r2_path\n", text, StringComparison.Ordinal);
        Assert.Contains("    server composer 127.0.0.1:8091\n", text, StringComparison.Ordinal);
        Assert.Contains(
            "    timeout http-keep-alive 60000ms\n"
            + "    use_backend calls_orders if METH_GET { req.hdr(x-pipeline-service) -m str orders }\n"
            + "    use_backend svc_orders if { req.hdr(x-pipeline-service) -m str orders }\n"
            + "    default_backend no_route\n", text, StringComparison.Ordinal);
        Assert.Contains("backend calls_orders\n    balance roundrobin\n    option http-keep-alive\n", text, StringComparison.Ordinal);
        // A composite service runs nothing: there is no backend of its own to send anything to.
        Assert.DoesNotContain("backend svc_storefront", text, StringComparison.Ordinal);
        var carried = CompositionLines.Read(text);
        Assert.Equal(Storefront.Compositions.Select(Json).Order(), carried.Select(Json).Order());
    }

    [Fact]
    public void Render_WhenAServiceComposes_ShouldCloseEveryClientConnectionButKeepTheComposersAndItsGetCallsOpen()
    {
        var table = ManifestRouting.Preview([Orders, Storefront]);
        var targets = new RoutingTable([.. table.Services.Select(s => s.Composite ? s : s with { Targets = [new RouteTarget("i-1", "10.0.0.1", 8080), new RouteTarget("i-2", "10.0.0.2", 8080)] })]);
        var text = HaproxyConfigRenderer.Render(targets, Settings).Text;
        string Section(string header) => text[text.IndexOf("\n" + header + "\n", StringComparison.Ordinal)..].Split("\n\n")[0];
        string? Mode(string header)
        {
            var mode = System.Text.RegularExpressions.Regex.Match(Section(header), "option (httpclose|http-server-close|http-keep-alive)\n");
            return mode.Success ? mode.Groups[1].Value : null;
        }

        Assert.Empty(HaproxyConfigGrammar.Violations(text));
        Assert.Equal(0, HaproxyCheck(text).ExitCode);
        // Clients of the front port: one request per connection, so a reload never races a reused one;
        // said in each response, so the connections behind the front are each backend's choice.
        Assert.Null(Mode("frontend http"));
        Assert.Contains("    http-after-response set-header Connection close\n", Section("frontend http"), StringComparison.Ordinal);
        Assert.Null(Mode("defaults"));
        // Targets get a connection per request from the front and for the composer's other calls...
        Assert.Equal("http-server-close", Mode("backend svc_orders"));
        // ...and kept ones for its GET calls, to the same targets with the same health.
        Assert.Null(Mode("frontend compose_calls"));
        Assert.Equal("http-keep-alive", Mode("backend calls_orders"));
        Assert.Contains("    server i-1 10.0.0.1:8080 track svc_orders/i-1\n    server i-2 10.0.0.2:8080 track svc_orders/i-2", Section("backend calls_orders"), StringComparison.Ordinal);
        // The composer's connections are kept and shared; its 502s are answers, not retried.
        Assert.Null(Mode("backend composer"));
        Assert.Contains("    http-reuse always\n", Section("backend composer"), StringComparison.Ordinal);
        Assert.Contains("    retry-on conn-failure empty-response\n", Section("backend composer"), StringComparison.Ordinal);
        Assert.Contains("    http-request disable-l7-retry unless METH_GET\n", Section("backend composer"), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WhenNoServiceComposes_ShouldWriteNoComposerSection()
    {
        var text = HaproxyConfigRenderer.Render(ManifestRouting.Preview([Orders]), Settings).Text;

        Assert.DoesNotContain("composer", text, StringComparison.Ordinal);
        Assert.Empty(CompositionLines.Read(text));
    }

    [Fact]
    public void Claims_WhenACompositeServiceIsLive_ShouldClaimEachStaticPrefixOnce()
    {
        var claims = RouteClaims.Of(ManifestRouting.Preview([Orders, Storefront]));

        Assert.Equal(
            [new RouteClaim("*/orders", "orders"), new RouteClaim("*/storefront/customers", "storefront"), new RouteClaim("*/storefront/orders", "storefront")],
            claims);
    }

    [Fact]
    public void EnsureNoConflict_WhenACompositionClaimsALiveServicesRoute_ShouldRefuseTheCompositeService()
    {
        var greedy = ManifestParser.Parse("name: greedy\ncompose:\n  - path: /orders/{id}\n    calls: { o: { service: orders, path: /orders } }\n");

        var error = Assert.Throws<RouteConflictException>(() => RouteClaims.EnsureNoConflict(ManifestRouting.Preview([Orders, greedy]), "greedy"));

        Assert.Contains("route */orders is claimed by live service orders; service greedy cannot claim it", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frontend compose_calls\n    use_backend svc_orders if { req.hdr(x-pipeline-service) -m str catalog }\n")]
    [InlineData("frontend compose_calls\n    bind 0.0.0.0:8092\n")]
    [InlineData("backend composer\n    server composer 10.0.0.1:8091\n")]
    [InlineData("frontend compose_calls\n    use_backend calls_orders if { req.hdr(x-pipeline-service) -m str orders }\n")]
    [InlineData("frontend compose_calls\n    use_backend svc_orders if METH_GET { req.hdr(x-pipeline-service) -m str orders }\n")]
    [InlineData("backend calls_orders\n    server i-1 10.0.0.1:8080 track svc_orders/i-2\n")]
    [InlineData("backend calls_orders\n    server i-1 10.0.0.1:8080 check\n")]
    public void Violations_WhenTheComposerLinesAreBent_ShouldRefuseThem(string config)
    {
        Assert.NotEmpty(HaproxyConfigGrammar.Violations(config));
    }

    [Fact]
    public void Read_WhenACompositionLineIsNotJson_ShouldRefuseTheConfig()
    {
        Assert.Throws<InvalidDataException>(() => CompositionLines.Read("global\n# compose {not json\n"));
    }

    private static string Json(Composition c) => JsonSerializer.Serialize(c, RoutingJsonContext.Default.Composition);
}
