using Pipeline.Local.Aws.TokenIssuer;

namespace Pipeline.Local.Stack;

/// <summary>
/// The stack's token issuer (<c>endpoints.issuer</c>): started before the template is read, because its
/// URL and JWKS URL are the local values of the template's AuthIssuer and AuthJwksUrl, which reach every
/// instance the way they do on AWS (LaunchInstances' environment, then the instance's).
/// </summary>
internal sealed partial class StackHost
{
    internal LocalIssuer? Issuer { get; private set; }

    private async Task StartIssuerAsync(CancellationToken cancellationToken)
    {
        Issuer = await LocalIssuer.StartAsync(_layout.Issuer, cancellationToken);
        _disposables.Add(Issuer);
        Endpoints["issuer"] = Issuer.Issuer;
        Step($"token issuer at {Issuer.Issuer} (key {Issuer.Key.KeyId}): `./pipeline token --sub NAME --scope S` signs with it");
    }

    private Dictionary<string, string> IssuerParameters() => new(StringComparer.Ordinal)
    {
        ["AuthIssuer"] = Issuer!.Issuer,
        ["AuthJwksUrl"] = Issuer.JwksUrl,
    };
}
