namespace Pipeline.Core.Compose;

/// <summary>
/// A composition path such as <c>/storefront/customers/{customerId}</c>: '/'-separated segments,
/// each literal or one whole <c>{parameter}</c>. Matching takes each parameter from exactly one
/// request segment, still percent-encoded as the client sent it.
/// </summary>
public sealed class PathTemplate
{
    private readonly string[] _segments;

    private PathTemplate(string text, string[] segments)
    {
        Text = text;
        _segments = segments;
    }

    public string Text { get; }

    /// <summary>The parameter names, in order.</summary>
    public IReadOnlyList<string> Parameters => [.. _segments.Where(IsParameter).Select(s => s[1..^1])];

    /// <summary>The literal segments before the first parameter, as a route prefix: <c>/storefront/customers</c>.</summary>
    public string StaticPrefix => "/" + string.Join('/', _segments.TakeWhile(s => !IsParameter(s)));

    /// <summary>Splits a template the grammar accepted (<see cref="Manifest.ManifestGrammar.CompositionPath"/>).</summary>
    public static PathTemplate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new PathTemplate(text, text.TrimEnd('/').Split('/')[1..]);
    }

    /// <summary>The parameters (decoded) when <paramref name="path"/> has this template's shape; null otherwise.</summary>
    public IReadOnlyDictionary<string, string>? Match(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parts = path.TrimEnd('/').Split('/');
        if (parts.Length != _segments.Length + 1 || parts[0].Length != 0)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < _segments.Length; i++)
        {
            var part = parts[i + 1];
            if (IsParameter(_segments[i]))
            {
                if (part.Length == 0)
                {
                    return null;
                }

                values[_segments[i][1..^1]] = Uri.UnescapeDataString(part);
            }
            else if (!string.Equals(part, _segments[i], StringComparison.Ordinal))
            {
                return null;
            }
        }

        return values;
    }

    /// <summary>
    /// A call path with each <c>{name}</c> replaced by its value, percent-encoded as one URI data
    /// component: <c>a/../b</c> becomes <c>a%2F..%2Fb</c>, so a value can never change the path called.
    /// </summary>
    public static string Render(string callPath, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(callPath);
        ArgumentNullException.ThrowIfNull(values);
        var text = new StringBuilder(callPath.Length + 32);
        var at = 0;
        while (at < callPath.Length)
        {
            var open = callPath.IndexOf('{', at);
            if (open < 0)
            {
                break;
            }

            var close = callPath.IndexOf('}', open);
            text.Append(callPath, at, open - at);
            text.Append(Uri.EscapeDataString(values[callPath[(open + 1)..close]]));
            at = close + 1;
        }

        return text.Append(callPath, at, callPath.Length - at).ToString();
    }

    /// <summary>The <c>{names}</c> a call path uses.</summary>
    public static IEnumerable<string> PlaceholdersOf(string callPath)
    {
        ArgumentNullException.ThrowIfNull(callPath);
        var at = 0;
        while ((at = callPath.IndexOf('{', at)) >= 0)
        {
            var close = callPath.IndexOf('}', at);
            yield return callPath[(at + 1)..close];
            at = close + 1;
        }
    }

    private static bool IsParameter(string segment) => segment.StartsWith('{');
}
