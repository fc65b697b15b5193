using System.Text.RegularExpressions;

namespace Pipeline.Core.Labels;

/// <summary>
/// A GoCD-style version label template: literal text with <c>${COUNT}</c> (the service's counter),
/// <c>${git}</c> (the full commit id) and <c>${git[:N]}</c> (its first N characters).
/// The template must contain <c>${COUNT}</c> so labels never repeat, and a counter must be
/// followed by '.', '-', '_' or the end so that no two counts can render to the same label
/// (<c>${COUNT}${git[:7]}</c> would make 1+"2ab..." and 12+"ab..." collide).
/// </summary>
public sealed partial class LabelTemplate
{
    public const string Default = "${COUNT}";

    /// <summary>Labels become S3 key segments and HTTP header values: keep them to this alphabet.</summary>
    private const string LiteralAlphabet = "A-Za-z0-9._-";

    private readonly IReadOnlyList<Part> _parts;

    private LabelTemplate(string text, IReadOnlyList<Part> parts)
    {
        Text = text;
        _parts = parts;
    }

    public string Text { get; }

    /// <summary>The longest label a version may have: routers, S3 keys and EC2 tags all take it.</summary>
    public const int MaxLabelLength = 128;

    /// <summary>The longest label this template can render, with the counter at its largest (19 digits).</summary>
    public int MaxLength => _parts.Sum(p => p.Kind switch
    {
        PartKind.Count => long.MaxValue.ToString(CultureInfo.InvariantCulture).Length,
        PartKind.Git => p.Length,
        _ => p.Text.Length,
    });

    /// <summary>Parses a template, or explains in <paramref name="error"/> why it is not one.</summary>
    public static bool TryParse(string text, out LabelTemplate? template, out string? error)
    {
        template = null;
        var parts = new List<Part>();
        var position = 0;
        foreach (Match match in Placeholder().Matches(text))
        {
            if (match.Index > position && !AddLiteral(parts, text[position..match.Index], out error))
            {
                return false;
            }

            if (!AddPlaceholder(parts, match.Groups[1].Value, out error))
            {
                return false;
            }

            position = match.Index + match.Length;
        }

        if (position < text.Length && !AddLiteral(parts, text[position..], out error))
        {
            return false;
        }

        if (!parts.Any(p => p.Kind == PartKind.Count))
        {
            error = "must contain ${COUNT}, the counter that keeps labels from repeating";
            return false;
        }

        for (var i = 0; i < parts.Count - 1; i++)
        {
            if (parts[i].Kind == PartKind.Count &&
                !(parts[i + 1].Kind == PartKind.Literal && parts[i + 1].Text[0] is '.' or '-' or '_'))
            {
                error = "${COUNT} must be followed by '.', '-', '_' or the end, or two counts could give the same label";
                return false;
            }
        }

        template = new LabelTemplate(text, parts);
        error = null;
        return true;
    }

    public static LabelTemplate Parse(string text) =>
        TryParse(text, out var template, out var error)
            ? template!
            : throw new FormatException($"Label template '{text}' {error}.");

    /// <summary>The label of the <paramref name="count"/>-th version, built from <paramref name="commit"/>.</summary>
    public string Render(long count, string commit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (!Naming.CommitSha.IsValid(commit))
        {
            throw new ArgumentException($"'{commit}' is not a 40-character hexadecimal commit id.", nameof(commit));
        }

        var label = new StringBuilder();
        foreach (var part in _parts)
        {
            label.Append(part.Kind switch
            {
                PartKind.Count => count.ToString(CultureInfo.InvariantCulture),
                PartKind.Git => commit[..part.Length].ToLowerInvariant(),
                _ => part.Text,
            });
        }

        return label.ToString();
    }

    /// <summary>
    /// Reads the count back out of a label this template rendered. Labels are unambiguous by
    /// construction, which is what this proves in the tests.
    /// </summary>
    public bool TryReadCount(string label, out long count)
    {
        var pattern = new StringBuilder(@"\A");
        foreach (var part in _parts)
        {
            pattern.Append(part.Kind switch
            {
                PartKind.Count => "(?<count>[1-9][0-9]*)",
                PartKind.Git => $"[0-9a-f]{{{part.Length}}}",
                _ => Regex.Escape(part.Text),
            });
        }

        pattern.Append(@"\z");
        var match = Regex.Match(label, pattern.ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        count = 0;
        if (!match.Success)
        {
            return false;
        }

        // Several ${COUNT}s in one template must agree.
        var counts = match.Groups["count"].Captures.Select(c => c.Value).Distinct().ToList();
        return counts.Count == 1 && long.TryParse(counts[0], CultureInfo.InvariantCulture, out count);
    }

    public override string ToString() => Text;

    private static bool AddLiteral(List<Part> parts, string literal, out string? error)
    {
        if (!LiteralText().IsMatch(literal))
        {
            error = $"has '{Manifest.ManifestGrammar.Visible(literal)}' outside a placeholder; only {LiteralAlphabet} and ${{COUNT}}, ${{git}}, ${{git[:N]}} are allowed";
            return false;
        }

        parts.Add(new Part(PartKind.Literal, literal, 0));
        error = null;
        return true;
    }

    private static bool AddPlaceholder(List<Part> parts, string name, out string? error)
    {
        error = null;
        if (name == "COUNT")
        {
            parts.Add(new Part(PartKind.Count, name, 0));
            return true;
        }

        if (name == "git")
        {
            parts.Add(new Part(PartKind.Git, name, 40));
            return true;
        }

        var slice = GitSlice().Match(name);
        if (slice.Success && int.TryParse(slice.Groups[1].Value, CultureInfo.InvariantCulture, out var length)
            && length is >= 1 and <= 40)
        {
            parts.Add(new Part(PartKind.Git, name, length));
            return true;
        }

        error = $"has an unknown placeholder ${{{Manifest.ManifestGrammar.Visible(name)}}}; use ${{COUNT}}, ${{git}} or ${{git[:N]}} with N from 1 to 40";
        return false;
    }

    [GeneratedRegex(@"\$\{([^}]*)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\Agit\[:([0-9]{1,2})\]\z")]
    private static partial Regex GitSlice();

    [GeneratedRegex($@"\A[{LiteralAlphabet}]+\z")]
    private static partial Regex LiteralText();

    private enum PartKind
    {
        Literal,
        Count,
        Git,
    }

    private sealed record Part(PartKind Kind, string Text, int Length);
}
