using System.Text.RegularExpressions;

namespace Pipeline.Core.Manifest;

/// <summary>
/// The one grammar of each service.yaml string field. The parser matches these patterns and
/// schemas/service.schema.json states them verbatim (a test compares the two and feeds both the
/// same generated strings), so an editor, <c>./pipeline validate</c> and the deploy all accept the
/// same values.
/// <para>
/// Each pattern is written in the part of regular-expression syntax that .NET and ECMA-262 (what
/// JSON Schema and editors use) read the same way: ASCII classes only (no <c>\s</c>, <c>\w</c> or
/// <c>.</c>, whose meaning differs), <c>^</c> for the start, and <see cref="End"/> instead of
/// <c>$</c>, because .NET's <c>$</c> also matches before a final newline: <c>"a\n"</c> would pass
/// <c>^a$</c>, and a trailing newline in a host or path breaks haproxy.cfg.
/// </para>
/// </summary>
public static partial class ManifestGrammar
{
    /// <summary>End of input in both dialects: nothing at all follows.</summary>
    public const string End = @"(?![\s\S])";

    /// <summary>DNS-safe and an ELBv2 target-group name part.</summary>
    public const string ServiceName = "^[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?" + End;

    /// <summary>A lower-case DNS name, labels of at most 63 characters, 253 in all; no port, no wildcard.</summary>
    public const string Host = "^(?=[a-z0-9.-]{1,253}" + End + ")"
        + "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*" + End;

    /// <summary>Characters a URL path may use in a route: HAProxy reads each of them literally.</summary>
    private const string PathChar = "[A-Za-z0-9._~%@:+,;=-]";

    /// <summary>
    /// A route's path prefix: '/', or '/'-separated non-empty segments (so never '//'), an optional
    /// trailing '/', at most 1024 characters. <see cref="RouteKeys"/> drops the trailing '/'.
    /// </summary>
    public const string PathPrefix = "^(?=/[\\s\\S]{0,1023}" + End + ")/(?:" + PathChar + "+(?:/" + PathChar + "+)*/?)?" + End;

    /// <summary>A path HAProxy and ELBv2 probe: a route path's characters plus '/', '?' and '&amp;'.</summary>
    public const string HttpPath = "^/[A-Za-z0-9._~%/@:+,;=?&-]{0,1023}" + End;

    /// <summary>
    /// A composition's path template: '/' then '/'-separated segments, each literal route characters
    /// or one whole <c>{parameter}</c>; the first is literal, so the prefix it claims is never '/'.
    /// </summary>
    public const string CompositionPath = "^(?=/[\\s\\S]{0,1023}" + End + ")/" + PathChar + "+(?:/(?:" + PathChar + "+|\\{" + IdentifierBody + "\\}))*" + End;

    /// <summary>A call's path: an <see cref="HttpPath"/> in which <c>{parameter}</c>s may stand for values.</summary>
    public const string CallPath = "^(?=/[\\s\\S]{0,1023}" + End + ")/(?:[A-Za-z0-9._~%/@:+,;=?&-]|\\{" + IdentifierBody + "\\})*" + End;

    /// <summary>A call or parameter name: it becomes a JSON key, so an identifier of at most 64 characters.</summary>
    public const string Identifier = "^" + IdentifierBody + End;

    private const string IdentifierBody = "[A-Za-z_][A-Za-z0-9_]{0,63}";

    /// <summary>A file in the repository: relative '/'-separated segments, none of them '..', as S3 keys allow.</summary>
    public const string RepoPath = "^(?=[\\s\\S]{1,1024}" + End + ")(?!\\.\\.(?:/|" + End + "))[A-Za-z0-9._-]+"
        + "(?:/(?!\\.\\.(?:/|" + End + "))[A-Za-z0-9._-]+)*" + End;

    /// <summary>One line of at most 4096 characters, no control characters, not only spaces.</summary>
    public const string Start = "^(?=[\\s\\S]*[^ ])[^\\x00-\\x1f\\x7f\\x85\\u2028\\u2029]{1,4096}" + End;

    /// <summary>Upper-case POSIX names, so that every shell and every runtime reads them the same way.</summary>
    public const string EnvName = "^[A-Z_][A-Z0-9_]{0,127}" + End;

    /// <summary>Any text a process environment can hold: everything but NUL, at most 4096 characters.</summary>
    public const string EnvValue = "^[^\\x00]{0,4096}" + End;

    /// <summary>
    /// A secret's name under the service's own SSM path (<see cref="SecretReference"/>): '/'-separated
    /// segments of letters, digits and '_', '.', '-', none starting with '.', at most 13 of them and
    /// 256 characters, so the full parameter name stays within SSM's 15 levels.
    /// </summary>
    public const string SecretName = "^(?=[\\s\\S]{1,256}" + End + ")[A-Za-z0-9_-][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_-][A-Za-z0-9_.-]*){0,12}" + End;

    public const string TableName = "^[a-z](?:[a-z0-9-]{0,46}[a-z0-9])?" + End;

    public const string IndexName = "^[A-Za-z0-9_.-]{3,255}" + End;

    public const string AttributeName = "^[A-Za-z0-9_.-]{1,255}" + End;

    /// <summary>A token's audience (<c>aud</c>) or an OAuth scope: printable, no spaces or quotes, so it reads the same in a JWT, a header and an environment variable.</summary>
    public const string AuthToken = "^[A-Za-z0-9._:/-]{1,256}" + End;

    /// <summary>A route pattern of the service's code, as the service kit writes it: <c>/orders/:id</c>.</summary>
    public const string RoutePattern = "^/[A-Za-z0-9._~%/@:+,;=-]{0,1023}" + End;

    public const string ServiceNameRule = "must be DNS-safe: lower-case letters, digits and '-', starting with a letter, not ending with '-', at most 32 characters";
    public const string HostRule = "must be a host name such as api.example.com: lower-case letters, digits, '-' and '.', labels of at most 63 characters, no port or wildcard";
    public const string PathPrefixRule = "must be an absolute URL path such as /orders: '/' then segments of letters, digits and . _ ~ % @ : + , ; = - separated by single '/' (no '//', spaces, quotes, '?' or '#'), at most 1024 characters";
    public const string HttpPathRule = "must be an absolute URL path such as /status: '/' then letters, digits and . _ ~ % / @ : + , ; = ? & - (no spaces, quotes or '#'), at most 1024 characters";
    public const string RepoPathRule = "must be a path inside the repository: relative, '/'-separated letters, digits, '.', '_' and '-', no '..', at most 1024 characters";
    public const string StartRule = "must be one line of at most 4096 characters, not blank, without control characters";
    public const string EnvNameRule = "variable names are upper-case letters, digits and '_', not starting with a digit, at most 128 characters";
    public const string EnvValueRule = "must be at most 4096 characters without NUL (an environment cannot hold NUL)";
    public const string SecretNameRule = "must be a parameter name under the service's own path, such as db-password or db/password: '/'-separated segments of letters, digits, '_', '.' and '-', none starting with '.', at most 13 segments and 256 characters";
    public const string TableNameRule = "must be lower-case letters, digits and '-', starting with a letter, not ending with '-', at most 48 characters";
    public const string IndexNameRule = "must be 3 to 255 characters: letters, digits, '_', '-' and '.'";
    public const string AuthTokenRule = "must be 1 to 256 characters: letters, digits and . _ : / -";
    public const string RoutePatternRule = "must be a route such as /orders/:id: '/' then letters, digits and . _ ~ % / @ : + , ; = - (no spaces, quotes, '?' or '#'), at most 1024 characters";
    public const string CompositionPathRule = "must be a path template such as /storefront/customers/{customerId}: '/' then segments of letters, digits and . _ ~ % @ : + , ; = - or one whole {parameter} each, the first one literal, at most 1024 characters";
    public const string CallPathRule = "must be a path such as /orders?customerId={customerId}: '/' then letters, digits, . _ ~ % / @ : + , ; = ? & - and {parameter}s, at most 1024 characters";
    public const string IdentifierRule = "must be an identifier: a letter or '_', then letters, digits and '_', at most 64 characters";
    public const string AttributeNameRule = "must be 1 to 255 characters: letters, digits, '_', '-' and '.'";

    /// <summary>
    /// A value as it may be shown in a one-line message: control characters, line and paragraph
    /// separators as escapes (<c>\n</c>, <c>\u2028</c>), so a bad value cannot forge more output lines.
    /// </summary>
    public static string Visible(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new System.Text.StringBuilder(value.Length);
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) || c is '\u2028' or '\u2029' => "\\u" + ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return text.ToString();
    }

    [GeneratedRegex(ServiceName)]
    public static partial Regex ServiceNameRegex();

    [GeneratedRegex(Host)]
    public static partial Regex HostRegex();

    [GeneratedRegex(PathPrefix)]
    public static partial Regex PathPrefixRegex();

    [GeneratedRegex(HttpPath)]
    public static partial Regex HttpPathRegex();

    [GeneratedRegex(RepoPath)]
    public static partial Regex RepoPathRegex();

    [GeneratedRegex(Start)]
    public static partial Regex StartRegex();

    [GeneratedRegex(EnvName)]
    public static partial Regex EnvNameRegex();

    [GeneratedRegex(EnvValue)]
    public static partial Regex EnvValueRegex();

    [GeneratedRegex(SecretName)]
    public static partial Regex SecretNameRegex();

    [GeneratedRegex(TableName)]
    public static partial Regex TableNameRegex();

    [GeneratedRegex(IndexName)]
    public static partial Regex IndexNameRegex();

    [GeneratedRegex(CompositionPath)]
    public static partial Regex CompositionPathRegex();

    [GeneratedRegex(CallPath)]
    public static partial Regex CallPathRegex();

    [GeneratedRegex(Identifier)]
    public static partial Regex IdentifierRegex();

    [GeneratedRegex(AttributeName)]
    public static partial Regex AttributeNameRegex();

    [GeneratedRegex(AuthToken)]
    public static partial Regex AuthTokenRegex();

    [GeneratedRegex(RoutePattern)]
    public static partial Regex RoutePatternRegex();
}
