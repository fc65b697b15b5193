namespace Pipeline.Local.Aws.TokenIssuer;

/// <summary>
/// The local issuer's signing key: one ES256 (P-256) key per state directory, generated the first time
/// the stack starts and kept in <c>issuer/key.pem</c>, readable by its owner only, so tokens signed
/// before a restart still verify after it and <c>pipeline token</c> can sign without a running stack.
/// </summary>
public sealed class IssuerKey : IDisposable
{
    public const string Algorithm = "ES256";
    private const string KeyFile = "key.pem";

    private readonly ECDsa _key;

    private IssuerKey(ECDsa key)
    {
        _key = key;
        var point = key.ExportParameters(includePrivateParameters: false).Q;
        X = Base64Url(point.X!);
        Y = Base64Url(point.Y!);

        // RFC 7638: the thumbprint of the required members in lexicographic order, so the id follows the key.
        KeyId = Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes($$"""{"crv":"P-256","kty":"EC","x":"{{X}}","y":"{{Y}}"}""")));
    }

    public string KeyId { get; }

    private string X { get; }

    private string Y { get; }

    /// <summary>The key kept in <paramref name="directory"/>, or null when none was generated there yet.</summary>
    public static IssuerKey? Load(string directory)
    {
        var path = Path.Combine(directory, KeyFile);
        if (!File.Exists(path))
        {
            return null;
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidDataException($"{path} is not an EC private key in PEM ({e.Message}); delete it to have `pipeline up` generate a new one", e);
        }

        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new InvalidDataException($"{path} is a {key.KeySize}-bit EC key, not P-256; delete it to have `pipeline up` generate a new one");
        }

        return new IssuerKey(key);
    }

    /// <summary>The key kept in <paramref name="directory"/>, generated (mode 0600) if there is none.</summary>
    public static IssuerKey LoadOrCreate(string directory)
    {
        if (Load(directory) is { } kept)
        {
            return kept;
        }

        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            OwnerOnlyFile.Write(Path.Combine(directory, KeyFile), key.ExportPkcs8PrivateKeyPem() + "\n", overwrite: false);
        }

        return Load(directory)!;
    }

    /// <summary>The public key as a JWK Set, what the issuer serves at its JWKS URL.</summary>
    public JsonObject Jwks() => new()
    {
        ["keys"] = new JsonArray(new JsonObject
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = X,
            ["y"] = Y,
            ["kid"] = KeyId,
            ["alg"] = Algorithm,
            ["use"] = "sig",
        }),
    };

    /// <summary>A compact JWS of <paramref name="claims"/> (RFC 7515), signed with this key.</summary>
    public string Sign(JsonObject claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var header = new JsonObject { ["alg"] = Algorithm, ["typ"] = "JWT", ["kid"] = KeyId };
        var input = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));

        // JWS wants r and s concatenated (IEEE P1363), which is .NET's default for ECDsa.
        var signature = _key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return input + "." + Base64Url(signature);
    }

    public void Dispose() => _key.Dispose();

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
