using Pipeline.Core.Fleet;
using Pipeline.Core.Manifest;

namespace Pipeline.Core.Tests.Manifest;

/// <summary>service.yaml's auth: section, and what of it reaches an instance's environment.</summary>
public sealed class AuthSectionTests
{
    private const string Base = "name: widgets\nport: 8080\nbuild: { artifact: artifact.tgz }\n";

    [Fact]
    public void Parse_WhenAuthNamesRoutesAndScopes_ShouldKeepThemAndPassThemToInstances()
    {
        var manifest = ManifestParser.Parse(Base + "auth:\n  audience: api/widgets\n  routes:\n    - { method: POST, path: /widgets, scopes: [widgets:write, audit] }\n    - { method: GET, path: /widgets/:id, scopes: [widgets:read] }\n");

        Assert.Equal("api/widgets", manifest.Auth!.Audience);
        Assert.Equal(["widgets:write", "audit"], manifest.Auth.Routes[0].Scopes);
        var environment = InstanceEnvironment.For(manifest, "1.0.1-abcdef0", "prod");
        Assert.Equal("api/widgets", environment["PIPELINE_AUTH_AUDIENCE"]);
        Assert.Equal("""{"POST /widgets":["widgets:write","audit"],"GET /widgets/:id":["widgets:read"]}""", environment["PIPELINE_AUTH_SCOPES"]);
    }

    [Fact]
    public void Parse_WhenAuthHasNoAudience_ShouldUseTheServiceName()
    {
        var auth = ManifestParser.Parse(Base + "auth: {}\n").Auth!;

        Assert.Equal("widgets", auth.Audience);
        Assert.Empty(auth.Routes);
    }

    [Fact]
    public void Parse_WithoutAuth_ShouldPassNoAuthVariables()
    {
        var environment = InstanceEnvironment.For(ManifestParser.Parse(Base), "1", "prod");

        Assert.DoesNotContain(environment.Keys, k => k.StartsWith("PIPELINE_AUTH_", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("auth:\n  issuer: https://login.example.com/\n", "auth.issuer: unknown field")]
    [InlineData("auth:\n  routes:\n    - { method: GET, path: /w, scopes: [] }\n", "auth.routes[0].scopes: must name at least one scope")]
    [InlineData("auth:\n  routes:\n    - { method: get, path: /w, scopes: [r] }\n", "auth.routes[0].method: must be one of GET, POST, PUT, PATCH, DELETE")]
    [InlineData("auth:\n  routes:\n    - { method: GET, path: /w, scopes: [r] }\n    - { method: GET, path: /w, scopes: [s] }\n", "auth.routes[1]: repeats GET /w")]
    [InlineData("auth:\n  routes:\n    - { method: GET, path: /w, scopes: [\"a b\"] }\n", "auth.routes[0].scopes[0]: 'a b' must be 1 to 256 characters")]
    public void Parse_WhenAuthIsWrong_ShouldSayWhereAndWhy(string auth, string expected)
    {
        var result = ManifestParser.TryParse(Base + auth);

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.ToString().Contains(expected, StringComparison.Ordinal));
    }
}
