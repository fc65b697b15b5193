namespace Pipeline.Core.Manifest;

/// <summary>
/// The one normalization of routes. HAProxy is configured with <see cref="PathPrefix"/>, route
/// claims in the registry and overlap checks between services use <see cref="Key"/>, so two
/// spellings of one route (<c>/orders</c>, <c>/orders/</c>) are one claim, and a route that
/// validate or a claim lets through cannot be refused later as a duplicate by the renderer.
/// </summary>
public static class RouteKeys
{
    /// <summary>
    /// <c>/users/</c> means the same as <c>/users</c>, and <c>/</c> the same as no prefix (every
    /// path): null for "every path", otherwise the prefix without trailing slashes.
    /// </summary>
    public static string? PathPrefix(string? prefix)
    {
        if (prefix is null)
        {
            return null;
        }

        var trimmed = prefix.TrimEnd('/');
        return trimmed.Length == 0 ? null : trimmed;
    }

    /// <summary><c>host/prefix</c>, <c>*</c> for any host and <c>/</c> for every path: <c>*/orders</c>, <c>api.example.com/</c>.</summary>
    public static string Key(string? host, string? prefix) => $"{host ?? "*"}{PathPrefix(prefix) ?? "/"}";

    /// <summary>A key as stored (older claims kept the raw prefix, <c>*/orders/</c>), normalized.</summary>
    public static string Normalize(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? key : Key(key[..slash] is "*" ? null : key[..slash], key[slash..]);
    }
}
