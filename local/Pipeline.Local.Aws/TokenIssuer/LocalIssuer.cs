namespace Pipeline.Local.Aws.TokenIssuer;

/// <summary>
/// The local stand-in for the token issuer template.yaml's AuthIssuer names on AWS (a Cognito user pool,
/// say): it serves its public key at <c>/.well-known/jwks.json</c> and an OpenID discovery document at
/// <c>/.well-known/openid-configuration</c>, and signs tokens with <see cref="IssuerKey"/>. Its identifier
/// is its URL, <c>http://127.0.0.1:PORT/</c>, kept with the key (<c>issuer/issuer.json</c>) so that tokens
/// outlive a restart of the stack; only when that port is taken does a restart move it.
/// </summary>
public sealed class LocalIssuer : IAsyncDisposable
{
    public const string JwksPath = "/.well-known/jwks.json";
    private const string IssuerFile = "issuer.json";

    private readonly LoopbackServer _server;

    private LocalIssuer(LoopbackServer server, IssuerKey key)
    {
        _server = server;
        Key = key;
    }

    public IssuerKey Key { get; }

    /// <summary>The tokens' <c>iss</c>: <c>http://127.0.0.1:PORT/</c>.</summary>
    public string Issuer => _server.BaseAddress.ToString();

    public string JwksUrl => JwksUrlOf(Issuer);

    public static string JwksUrlOf(string issuer) => issuer.TrimEnd('/') + JwksPath;

    /// <summary>The issuer identifier kept in <paramref name="directory"/>, or null when the stack never ran there.</summary>
    public static string? KeptIssuer(string directory)
    {
        var path = Path.Combine(directory, IssuerFile);
        try
        {
            return File.Exists(path) ? (JsonNode.Parse(File.ReadAllText(path)) as JsonObject)?["issuer"]?.GetValue<string>() : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path} is corrupt ({e.Message}); delete it and restart the stack", e);
        }
    }

    /// <summary>Starts the issuer of <paramref name="directory"/>: its key (generated the first time) on its kept port when free.</summary>
    public static async Task<LocalIssuer> StartAsync(string directory, CancellationToken cancellationToken)
    {
        var key = IssuerKey.LoadOrCreate(directory);
        var kept = KeptIssuer(directory) is { } issuer && Uri.TryCreate(issuer, UriKind.Absolute, out var url) ? url.Port : (int?)null;
        var port = kept is { } p && FreePort.IsFree(p) ? p : FreePort.Next();
        var identifier = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/";
        var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet(JwksPath, () => Json(key.Jwks()));
            app.MapGet("/.well-known/openid-configuration", () => Json(new JsonObject
            {
                ["issuer"] = identifier,
                ["jwks_uri"] = JwksUrlOf(identifier),
                ["id_token_signing_alg_values_supported"] = new JsonArray(IssuerKey.Algorithm),
            }));
        }, port, cancellationToken);
        var self = new LocalIssuer(server, key);
        File.WriteAllText(Path.Combine(directory, IssuerFile), new JsonObject { ["issuer"] = self.Issuer, ["jwksUrl"] = self.JwksUrl }.ToJsonString() + "\n");
        return self;
    }

    /// <summary>A token for <paramref name="request"/>, which must have no <see cref="TokenRequest.Problem"/>.</summary>
    public string Sign(TokenRequest request, DateTimeOffset now) => Key.Sign(request.Claims(Issuer, now));

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Key.Dispose();
    }

    private static IResult Json(JsonObject body) => Results.Text(body.ToJsonString(), "application/json");
}
