using Pipeline.Core.Configuration;
using Pipeline.Core.Fleet;
using Pipeline.Core.Manifest;

namespace Pipeline.Core.Tests.Configuration;

/// <summary>The stack's token issuer, as LaunchInstances reads it and every instance is told it.</summary>
public sealed class AuthIssuerSettingsTests
{
    private const string Issuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc";
    private const string Jwks = Issuer + "/.well-known/jwks.json";

    private static AuthIssuerSettings? Read(string? issuer, string? jwksUrl) => AuthIssuerSettings.From(new SettingsReader(name => name switch
    {
        "PIPELINE_AUTH_ISSUER" => issuer,
        "PIPELINE_AUTH_JWKS_URL" => jwksUrl,
        _ => null,
    }));

    [Theory]
    [InlineData(null, null)]
    [InlineData("", "")]
    public void From_WhenNeitherIsSet_ShouldMeanNoIssuer(string? issuer, string? jwksUrl)
    {
        Assert.Null(Read(issuer, jwksUrl));
    }

    [Fact]
    public void From_WhenBothAreUrls_ShouldKeepThem()
    {
        Assert.Equal(new AuthIssuerSettings(Issuer, Jwks), Read(Issuer, Jwks));
        Assert.Equal(new AuthIssuerSettings("http://127.0.0.1:4100/", "http://127.0.0.1:4100/.well-known/jwks.json"),
            Read("http://127.0.0.1:4100/", "http://127.0.0.1:4100/.well-known/jwks.json"));
    }

    [Theory]
    [InlineData(Issuer, "", "PIPELINE_AUTH_JWKS_URL")]
    [InlineData("", Jwks, "PIPELINE_AUTH_ISSUER")]
    [InlineData("cognito", Jwks, "PIPELINE_AUTH_ISSUER")]
    [InlineData(Issuer, "ftp://keys.example.com/jwks.json", "PIPELINE_AUTH_JWKS_URL")]
    [InlineData(Issuer, "https://keys.example.com/jwks.json\nX=1", "PIPELINE_AUTH_JWKS_URL")]
    public void From_WhenOneIsMissingOrNotAnHttpUrl_ShouldFailNamingIt(string issuer, string jwksUrl, string named)
    {
        var error = Assert.Throws<SettingInvalidException>(() => Read(issuer, jwksUrl));

        Assert.Equal(named, error.Name);
    }

    [Fact]
    public void InstanceEnvironment_WithAnIssuer_ShouldTellTheInstanceBothAndWithoutNeither()
    {
        var manifest = ManifestParser.Parse("name: widgets\nport: 8080\nbuild: { artifact: artifact.tgz }\n");

        var with = InstanceEnvironment.For(manifest, "1.0.1-abcdef0", "prod", new AuthIssuerSettings(Issuer, Jwks));
        var without = InstanceEnvironment.For(manifest, "1.0.1-abcdef0", "prod");

        Assert.Equal((Issuer, Jwks), (with["PIPELINE_AUTH_ISSUER"], with["PIPELINE_AUTH_JWKS_URL"]));
        Assert.DoesNotContain(without.Keys, k => k.StartsWith("PIPELINE_AUTH_", StringComparison.Ordinal));
    }
}
