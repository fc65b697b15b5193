using Pipeline.Core.Compose;
using Pipeline.Core.Manifest;
using Pipeline.Core.Routing;

namespace Pipeline.Core.Tests.Manifest;

/// <summary>service.yaml's compose: section: what a valid one gives, and where each bad one is refused.</summary>
public sealed class CompositionManifestTests
{
    private const string Storefront = """
        name: storefront
        compose:
          - path: /storefront/customers/{customerId}
            method: GET
            timeoutMs: 800
            calls:
              orders:  { service: orders,  path: "/orders?customerId={customerId}" }
              catalog: { service: catalog, path: /items }
            require: [orders]

        """;

    [Fact]
    public void Parse_WhenOnlyCompositions_ShouldGiveACompositeServiceClaimingTheStaticPrefix()
    {
        var manifest = ManifestParser.Parse(Storefront);

        Assert.True(manifest.IsComposite);
        Assert.Null(manifest.Build);
        Assert.Equal(0, manifest.Instances.Count);
        Assert.Empty(manifest.Tables);
        var composition = Assert.Single(manifest.Compositions);
        Assert.Equal(("storefront", "GET", 800), (composition.Service, composition.Method, composition.TimeoutMs));
        Assert.Equal(["orders", "catalog"], composition.Calls.Keys);
        Assert.Equal(new CompositionCall("orders", "/orders?customerId={customerId}"), composition.Calls["orders"]);
        Assert.Equal(["orders"], composition.Require);
        Assert.Equal("/storefront/customers", composition.StaticPrefix);
        Assert.Equal([("compose[0]", "*/storefront/customers")], OwnershipCheck.ClaimedKeys(manifest));
    }

    [Fact]
    public void Parse_WhenDefaultsLeftOut_ShouldUseGetAOneSecondTimeoutAndNoRequiredCall()
    {
        var manifest = ManifestParser.Parse("name: s\ncompose:\n  - path: /s\n    calls: { a: { service: a, path: /a } }\n");

        var composition = Assert.Single(manifest.Compositions);
        Assert.Equal(("GET", Composition.DefaultTimeoutMs), (composition.Method, composition.TimeoutMs));
        Assert.Empty(composition.Require);
        Assert.Equal("/s", composition.StaticPrefix);
    }

    [Theory]
    // Each bad composition, with the file:line:column of the node it is about.
    [InlineData("name: s\ncompose:\n  - path: /s/{id}\n    calls:\n      a: { service: a, path: \"/a/{customer}\" }\n",
        "service.yaml:5:30: compose[0].calls.a.path: uses {customer}, which the composition's path does not declare (it has {id})")]
    [InlineData("name: s\ncompose:\n  - path: /s\n    calls:\n      a: { service: Bad_Name, path: /a }\n",
        "service.yaml:5:21: compose[0].calls.a.service: 'Bad_Name' must be a service name")]
    [InlineData("name: s\ncompose:\n  - path: /s\n    calls:\n      a-b: { service: a, path: /a }\n",
        "service.yaml:5:7: compose[0].calls.a-b: 'a-b': call names become JSON keys of the answer")]
    [InlineData("name: s\ncompose:\n  - path: /s\n    calls:\n      errors: { service: a, path: /a }\n",
        "service.yaml:5:7: compose[0].calls.errors: 'errors' is where the answer lists failed calls")]
    [InlineData("name: s\ncompose:\n  - path: /s\n    timeoutMs: 5\n    calls: { a: { service: a, path: /a } }\n",
        "service.yaml:4:16: compose[0].timeoutMs: ")]
    [InlineData("name: s\ncompose:\n  - path: /s\n    timeoutMs: 10001\n    calls: { a: { service: a, path: /a } }\n",
        "service.yaml:4:16: compose[0].timeoutMs: ")]
    [InlineData("name: s\ncompose:\n  - path: /{id}\n    calls: { a: { service: a, path: /a } }\n",
        "service.yaml:3:11: compose[0].path: '/{id}' must be a path template")]
    [InlineData("name: s\ncompose:\n  - path: /s/x{id}\n    calls: { a: { service: a, path: /a } }\n",
        "service.yaml:3:11: compose[0].path: '/s/x{id}' must be a path template")]
    [InlineData("name: s\ncompose:\n  - path: /s/{id}/{id}\n    calls: { a: { service: a, path: /a } }\n",
        "service.yaml:3:11: compose[0].path: names the parameter {id} twice")]
    [InlineData("name: s\ncompose:\n  - path: /s\n    calls: { a: { service: a, path: /a } }\n    require: [b]\n",
        "service.yaml:5:15: compose[0].require[0]: 'b' is not a call of this composition (calls: a)")]
    [InlineData("name: s\ncompose:\n  - path: /s\n    method: PUT\n    calls: { a: { service: a, path: /a } }\n",
        "service.yaml:4:13: compose[0].method: must be one of GET, POST")]
    [InlineData("name: s\ncompose:\n  - path: /s\n    calls: {}\n",
        "service.yaml:4:12: compose[0].calls: must be a mapping of at least one NAME")]
    [InlineData("name: s\ncompose:\n  - path: /s\n    calls: { a: { service: a, path: /a } }\n  - path: /s\n    calls: { b: { service: b, path: /b } }\n",
        "service.yaml:5:5: compose[1]: repeats compose[0] (GET /s)")]
    [InlineData("name: s\ncompose:\n  - path: /s\n    calls: { a: { service: a, path: /a, timeout: 3 } }\n",
        "service.yaml:4:41: compose[0].calls.a.timeout: unknown field")]
    [InlineData("name: s\ncompose: []\n",
        "service.yaml:2:10: compose: is empty")]
    [InlineData("name: s\nport: 8080\ncompose:\n  - path: /s\n    calls: { a: { service: a, path: /a } }\n",
        "service.yaml:2:7: port: a composite service (compose without build) runs no instances")]
    [InlineData("name: s\ntables: []\ncompose:\n  - path: /s\n    calls: { a: { service: a, path: /a } }\n",
        "service.yaml:2:9: tables: a composite service")]
    [InlineData("name: s\nport: 1\nbuild: { artifact: a.tgz }\nroutes: [ { pathPrefix: /s } ]\ncompose:\n  - path: /s/{id}\n    calls: { a: { service: a, path: /a } }\n",
        "service.yaml:6:5: compose[0]: claims */s (its path up to the first {parameter}), which this service's routes already send to its instances")]
    public void Parse_WhenACompositionIsBad_ShouldRefuseItAtItsLineAndColumn(string yaml, string expected)
    {
        var result = ManifestParser.TryParse(yaml);

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.ToString().StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Check_WhenACompositionPrefixIsAnotherServicesRoute_ShouldRefuseItWithBothPlaces()
    {
        var orders = Source("orders/service.yaml", "name: orders\nport: 8080\nbuild: { artifact: a.tgz }\nroutes:\n  - pathPrefix: /orders/\n");
        var storefront = Source("storefront/service.yaml", "name: storefront\ncompose:\n  - path: /orders/{id}\n    calls: { a: { service: orders, path: /orders } }\n");

        var error = Assert.Single(ManifestSet.Check([orders, storefront], RouterSettings.Default));

        Assert.Equal("storefront/service.yaml:3:5: compose[0]: route */orders is also claimed by service 'orders' (orders/service.yaml:5:5); a route belongs to one service",
            error.ToString());
    }

    [Fact]
    public void Check_WhenTwoServicesComposeUnderOnePrefix_ShouldRefuseTheSecond()
    {
        var a = Source("a.yaml", "name: a\ncompose:\n  - path: /shop/{id}\n    calls: { x: { service: x, path: /x } }\n");
        var b = Source("b.yaml", "name: b\ncompose:\n  - path: /shop/{id}/more\n    calls: { x: { service: x, path: /x } }\n");

        var error = Assert.Single(ManifestSet.Check([a, b], RouterSettings.Default));

        Assert.StartsWith("b.yaml:3:5: compose[0]: route */shop is also claimed by service 'a' (a.yaml:3:5)", error.ToString(), StringComparison.Ordinal);
    }

    private static ManifestSource Source(string file, string yaml)
    {
        var result = ManifestParser.TryParse(yaml, file);
        return new ManifestSource(file, result.Manifest!, result.Positions);
    }
}
