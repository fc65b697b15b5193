namespace Pipeline.Core.Configuration;

/// <summary>
/// The stack's token issuer, which every instance checks bearer tokens against: its identifier (the
/// tokens' <c>iss</c>) and the URL of its JWKS. Template parameters AuthIssuer and AuthJwksUrl on AWS,
/// the local issuer locally. Both empty is a stack without an issuer: instances get neither variable and
/// the service kit refuses every route that needs a token (fails closed); one without the other is an
/// init error, never a half-configured fleet.
/// </summary>
public sealed record AuthIssuerSettings(string Issuer, string JwksUrl)
{
    public const string IssuerVariable = "PIPELINE_AUTH_ISSUER";
    public const string JwksUrlVariable = "PIPELINE_AUTH_JWKS_URL";

    /// <summary>The issuer, or null when the stack has none.</summary>
    public static AuthIssuerSettings? From(SettingsReader settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var issuer = settings.Optional(SettingNames.AuthIssuer);
        var jwksUrl = settings.Optional(SettingNames.AuthJwksUrl);
        return (issuer, jwksUrl) switch
        {
            (null, null) => null,
            (null, _) => throw new SettingInvalidException(SettingNames.AuthIssuer, $"is not set, but {SettingNames.AuthJwksUrl} is: set both (template parameters AuthIssuer and AuthJwksUrl) or neither"),
            (_, null) => throw new SettingInvalidException(SettingNames.AuthJwksUrl, $"is not set, but {SettingNames.AuthIssuer} is: set both (template parameters AuthIssuer and AuthJwksUrl) or neither"),
            _ => new AuthIssuerSettings(HttpUrl(SettingNames.AuthIssuer, issuer), HttpUrl(SettingNames.AuthJwksUrl, jwksUrl)),
        };
    }

    private static string HttpUrl(string name, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "https" or "http"
            && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            ? value
            : throw new SettingInvalidException(name, $"must be an absolute http(s) URL, got '{value.ReplaceLineEndings(" ")}'");
}
