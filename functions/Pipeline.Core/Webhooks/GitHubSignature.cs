using System.Security.Cryptography;

namespace Pipeline.Core.Webhooks;

/// <summary>
/// GitHub's webhook signature: <c>X-Hub-Signature-256: sha256=&lt;hex&gt;</c>, the HMAC-SHA256 of the raw
/// body keyed with the webhook secret. GitHub writes the digest in lower-case hex and its documented check
/// compares the whole header string, so an upper-case spelling is refused like any other wrong value.
/// </summary>
public static class GitHubSignature
{
    public const string Header = "x-hub-signature-256";
    public const string LegacyHeader = "x-hub-signature";
    public const string Prefix = "sha256=";

    /// <summary>The header value GitHub sends for <paramref name="body"/>.</summary>
    public static string Compute(byte[] secret, byte[] body) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(secret, body));

    /// <summary>Why <paramref name="header"/> does not authenticate <paramref name="body"/>, or null when it does.</summary>
    public static string? Problem(byte[] secret, byte[] body, string? header, bool hasLegacyHeader)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(body);
        if (string.IsNullOrEmpty(header))
        {
            return hasLegacyHeader
                ? "only X-Hub-Signature (sha1) was sent; X-Hub-Signature-256 is required"
                : "X-Hub-Signature-256 is missing";
        }

        // Both sides are ASCII of a public length; FixedTimeEquals keeps the comparison independent of
        // where the first difference is, so the signature cannot be guessed byte by byte.
        var expected = Encoding.ASCII.GetBytes(Compute(secret, body));
        var given = Encoding.UTF8.GetBytes(header);
        return CryptographicOperations.FixedTimeEquals(expected, given)
            ? null
            : "X-Hub-Signature-256 does not match the body";
    }
}
