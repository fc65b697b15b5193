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
        Assert.Contains("backend composer\n    server composer 127.0.0.1:8091\n", text, StringComparison.Ordinal);
        Assert.Contains("    option http-server-close\n    timeout http-keep-alive 60000ms\n    use_backend svc_orders if { req.hdr(x-pipeline-service) -m str orders }\n    default_backend no_route\n", text, StringComparison.Ordinal);
        // A composite service runs nothing: there is no backend of its own to send anything to.
        Assert.DoesNotContain("backend svc_storefront", text, StringComparison.Ordinal);
        var carried = CompositionLines.Read(text);
        Assert.Equal(Storefront.Compositions.Select(Json).Order(), carried.Select(Json).Order());
    }

    [Fact]
    public void Render_WhenAServiceComposes_ShouldKeepOnlyTheComposersConnectionsToHaproxyOpen()
    {
        var text = HaproxyConfigRenderer.Render(ManifestRouting.Preview([Orders, Storefront]), Settings).Text;
        string? Mode(string header)
        {
            var section = text[text.IndexOf("\n" + header + "\n", StringComparison.Ordinal)..].Split("\n\n")[0];
            var mode = System.Text.RegularExpressions.Regex.Match(section, "option (httpclose|http-server-close|http-keep-alive)\n");
            return mode.Success ? mode.Groups[1].Value : null;
        }

        // Clients of the front port: one request per connection, so a reload never races a reused one.
        Assert.Equal("httpclose", Mode("frontend http"));
        Assert.Equal("http-server-close", Mode("frontend compose_calls"));
        Assert.Null(Mode("defaults"));
        Assert.Null(Mode("backend svc_orders"));
        Assert.Null(Mode("backend composer"));
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
