namespace Pipeline.Local.Aws.TokenIssuer;

/// <summary>
/// What a token says: who (<c>sub</c>), for which services (<c>aud</c>), with which scopes (<c>scope</c>,
/// space-separated as RFC 8693 and the service kit read it) and for how long.
/// </summary>
public sealed partial record TokenRequest(string Subject, IReadOnlyList<string> Scopes, IReadOnlyList<string> Audiences, TimeSpan Lifetime)
{
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(7);

    /// <summary>Why the request cannot be signed, or null when it can.</summary>
    public string? Problem()
    {
        if (!Text().IsMatch(Subject))
        {
            return $"--sub '{Visible(Subject)}': 1-256 printable characters without spaces";
        }

        if (Scopes.FirstOrDefault(s => !Scope().IsMatch(s)) is { } scope)
        {
            return $"--scope '{Visible(scope)}': letters, digits and . _ : / - only (one scope per --scope)";
        }

        if (Audiences.Count == 0)
        {
            return "--audience: name the service the token is for (its service.yaml auth.audience, else its name), "
                + "or give scopes named <service>:<action>, whose services are the default audience";
        }

        if (Audiences.FirstOrDefault(a => !Text().IsMatch(a)) is { } audience)
        {
            return $"--audience '{Visible(audience)}': 1-256 printable characters without spaces";
        }

        return Lifetime <= TimeSpan.Zero || Lifetime > MaxLifetime
            ? $"--ttl: from 1s to {MaxLifetime.TotalDays:0}d, got {Lifetime}"
            : null;
    }

    /// <summary>The services scopes such as <c>widgets:read</c> name: the audience when none is given.</summary>
    public static IReadOnlyList<string> AudiencesOf(IEnumerable<string> scopes) =>
        [.. scopes.Where(s => s.IndexOf(':', StringComparison.Ordinal) > 0).Select(s => s[..s.IndexOf(':', StringComparison.Ordinal)]).Distinct(StringComparer.Ordinal)];

    /// <summary><c>90s</c>, <c>30m</c>, <c>1h</c>, <c>2d</c>; null when it is none of these.</summary>
    public static TimeSpan? ParseLifetime(string text)
    {
        var match = Duration().Match(text ?? "");
        if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }

        return match.Groups[2].Value switch
        {
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromDays(n),
        };
    }

    /// <summary>The claims of a token issued by <paramref name="issuer"/> at <paramref name="now"/>.</summary>
    public JsonObject Claims(string issuer, DateTimeOffset now)
    {
        var claims = new JsonObject
        {
            ["iss"] = issuer,
            ["sub"] = Subject,
            ["aud"] = Audiences.Count == 1 ? Audiences[0] : new JsonArray([.. Audiences.Select(a => (JsonNode)JsonValue.Create(a))]),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + Lifetime).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (Scopes.Count > 0)
        {
            claims["scope"] = string.Join(' ', Scopes);
        }

        return claims;
    }

    private static string Visible(string value) => value.Length > 60 ? value[..60] + "..." : value.ReplaceLineEndings(" ");

    [GeneratedRegex(@"\A[\x21-\x7E]{1,256}\z")]
    private static partial Regex Text();

    [GeneratedRegex(@"\A[A-Za-z0-9._:/-]{1,128}\z")]
    private static partial Regex Scope();

    [GeneratedRegex(@"\A([0-9]{1,7})([smhd])\z")]
    private static partial Regex Duration();
}
