using Pipeline.Local.Aws.TokenIssuer;

namespace Pipeline.Local.Tests;

/// <summary><c>pipeline token</c>: signs with the key a stack left in its state directory, whether or not the stack still runs.</summary>
public sealed class TokenCommandTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("pipeline-token-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    [Fact]
    public async Task Run_AfterTheStackStopped_ShouldPrintATokenOfItsIssuerOnTheLastLine()
    {
        string issuer;
        string keyId;
        await using (var running = await LocalIssuer.StartAsync(Path.Combine(_state, "issuer"), CancellationToken.None))
        {
            (issuer, keyId) = (running.Issuer, running.Key.KeyId);
        }

        var output = new StringWriter();
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

        var exit = TokenCommand.Run(_state, "alice", ["widgets:read", "audit:read"], [], "30m", output, now);

        Assert.Equal(0, exit);
        var token = output.ToString().TrimEnd().Split('\n')[^1];
        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        Assert.Equal(keyId, JsonNode.Parse(Decode(parts[0]))!["kid"]!.GetValue<string>());
        var claims = JsonNode.Parse(Decode(parts[1]))!;
        Assert.Equal(issuer, claims["iss"]!.GetValue<string>());
        Assert.Equal(["widgets", "audit"], claims["aud"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(now.ToUnixTimeSeconds() + 1800, claims["exp"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("1h", new[] { "widgets:read" })]
    [InlineData("soon", new[] { "widgets:read" })]
    [InlineData("1h", new[] { "read" })]
    public void Run_WhenItCannotSign_ShouldFailAndWriteNothing(string ttl, string[] scopes)
    {
        var output = new StringWriter();

        var exit = TokenCommand.Run(_state, "alice", scopes, [], ttl, output, DateTimeOffset.UtcNow);

        Assert.Equal(1, exit);
        Assert.Equal("", output.ToString());
        Assert.False(Directory.Exists(Path.Combine(_state, "issuer")));
    }

    private static byte[] Decode(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));
    }
}
