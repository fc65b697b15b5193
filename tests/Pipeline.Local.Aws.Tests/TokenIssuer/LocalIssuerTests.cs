using System.Security.Cryptography;
using Pipeline.Local.Aws.TokenIssuer;

namespace Pipeline.Local.Aws.Tests.TokenIssuer;

/// <summary>The local token issuer: its key kept per state directory, its JWKS over HTTP, tokens that verify against it.</summary>
public sealed class LocalIssuerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void LoadOrCreate_ShouldGenerateOneKeyOnlyItsOwnerCanReadAndKeepIt()
    {
        var directory = _temp.Combine("issuer");
        Assert.Null(IssuerKey.Load(directory));

        using var first = IssuerKey.LoadOrCreate(directory);
        using var again = IssuerKey.LoadOrCreate(directory);

        Assert.Equal(first.KeyId, again.KeyId);
        OwnerOnly.AssertFile(Path.Combine(directory, "key.pem"));
        OwnerOnly.AssertDirectory(directory);
    }

    [Fact]
    public void Load_WhenTheKeyFileIsNotAKey_ShouldSaySoNamingIt()
    {
        var directory = _temp.Combine("issuer");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "key.pem"), "not a key");

        var error = Assert.Throws<InvalidDataException>(() => IssuerKey.Load(directory));

        Assert.Contains("key.pem", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issuer_ShouldServeItsJwksAndSignTokensThatVerifyAgainstIt()
    {
        var directory = _temp.Combine("issuer");
        await using var issuer = await LocalIssuer.StartAsync(directory, CancellationToken.None);
        using var http = new HttpClient();

        var discovery = JsonNode.Parse(await http.GetStringAsync(new Uri(issuer.Issuer + ".well-known/openid-configuration")))!;
        var jwks = JsonNode.Parse(await http.GetStringAsync(new Uri(issuer.JwksUrl)))!;
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var token = issuer.Sign(new TokenRequest("alice", ["widgets:read", "audit"], ["widgets"], TimeSpan.FromHours(1)), now);

        Assert.Matches(@"\Ahttp://127\.0\.0\.1:\d+/\z", issuer.Issuer);
        Assert.Equal((issuer.Issuer, issuer.JwksUrl), (discovery["issuer"]!.GetValue<string>(), discovery["jwks_uri"]!.GetValue<string>()));
        var key = Assert.Single(jwks["keys"]!.AsArray())!;
        Assert.Null(key["d"]);
        var parts = token.Split('.');
        var header = JsonNode.Parse(Decode(parts[0]))!;
        Assert.Equal(("ES256", key["kid"]!.GetValue<string>()), (header["alg"]!.GetValue<string>(), header["kid"]!.GetValue<string>()));
        using var verifier = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Decode(key["x"]!.GetValue<string>()), Y = Decode(key["y"]!.GetValue<string>()) },
        });
        Assert.True(verifier.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Decode(parts[2]), HashAlgorithmName.SHA256));
        var claims = JsonNode.Parse(Decode(parts[1]))!;
        Assert.Equal(issuer.Issuer, claims["iss"]!.GetValue<string>());
        Assert.Equal(("alice", "widgets", "widgets:read audit"),
            (claims["sub"]!.GetValue<string>(), claims["aud"]!.GetValue<string>(), claims["scope"]!.GetValue<string>()));
        Assert.Equal(now.ToUnixTimeSeconds() + 3600, claims["exp"]!.GetValue<long>());
        Assert.Equal(issuer.Issuer, LocalIssuer.KeptIssuer(directory));
    }

    [Fact]
    public async Task Restart_ShouldKeepTheIssuerWhileItsPortIsFree()
    {
        var directory = _temp.Combine("issuer");
        string first;
        await using (var issuer = await LocalIssuer.StartAsync(directory, CancellationToken.None))
        {
            first = issuer.Issuer;
        }

        await using var again = await LocalIssuer.StartAsync(directory, CancellationToken.None);

        Assert.Equal(first, again.Issuer);
    }

    [Theory]
    [InlineData("alice", new[] { "widgets:read" }, new string[0], "1h", null)]
    [InlineData("alice", new[] { "audit" }, new string[0], "1h", "--audience")]
    [InlineData("al ice", new string[0], new[] { "widgets" }, "1h", "--sub")]
    [InlineData("alice", new[] { "a b" }, new[] { "widgets" }, "1h", "--scope")]
    [InlineData("alice", new string[0], new[] { "widgets" }, "8d", "--ttl")]
    public void Problem_ShouldNameTheBadOption(string subject, string[] scopes, string[] audiences, string ttl, string? named)
    {
        var request = new TokenRequest(subject, scopes, audiences.Length > 0 ? audiences : TokenRequest.AudiencesOf(scopes), TokenRequest.ParseLifetime(ttl)!.Value);

        var problem = request.Problem();

        if (named is null)
        {
            Assert.Null(problem);
            Assert.Equal(["widgets"], request.Audiences);
        }
        else
        {
            Assert.StartsWith(named, problem, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("2d", 172800)]
    public void ParseLifetime_ShouldReadUnits(string text, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), TokenRequest.ParseLifetime(text));
        Assert.Null(TokenRequest.ParseLifetime(text + "x"));
    }

    private static byte[] Decode(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));
    }
}
