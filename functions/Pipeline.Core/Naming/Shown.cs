using System.Diagnostics.CodeAnalysis;

namespace Pipeline.Core.Naming;

/// <summary>
/// Quotes a refused value for an error message so that the message stays one readable line: control
/// and invisible characters are written as escapes and a long value is cut, since the value is
/// exactly what could not be trusted.
/// </summary>
public static class Shown
{
    private const int MaxShown = 80;

    public static string Quote(string? value)
    {
        if (value is null)
        {
            return "null";
        }

        var text = new StringBuilder("'");
        foreach (var c in value.Length > MaxShown ? value[..MaxShown] : value)
        {
            text.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\'' => "\\'",
                '\\' => "\\\\",
                _ when Characters.IsInvisible(c) => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        text.Append('\'');
        return value.Length > MaxShown
            ? text.Append(CultureInfo.InvariantCulture, $"... ({value.Length} characters)").ToString()
            : text.ToString();
    }

    /// <summary>Names one character for a reason: <c>'_'</c>, or <c>U+000A</c> for one that does not print.</summary>
    public static string Character(char c) =>
        Characters.IsInvisible(c) || char.IsWhiteSpace(c)
            ? "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture)
            : $"'{c}'";
}

/// <summary>Character classes the naming rules share.</summary>
internal static class Characters
{
    /// <summary>Characters that print nothing or move the line: controls (C0, DEL, C1), format characters, separators, lone surrogates.</summary>
    public static bool IsInvisible(char c) =>
        char.IsControl(c) || char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c)
            is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    /// <summary>
    /// Whether <paramref name="value"/> is empty or longer than <paramref name="maxLength"/>, the first two
    /// questions every name rule asks; <paramref name="problem"/> says which.
    /// </summary>
    public static bool HasLengthProblem([NotNullWhen(false)] string? value, int maxLength, [NotNullWhen(true)] out string? problem)
    {
        problem = string.IsNullOrEmpty(value) ? "is empty"
            : value.Length > maxLength ? string.Create(CultureInfo.InvariantCulture, $"is {value.Length} characters long; at most {maxLength}")
            : null;
        return problem is not null;
    }

    /// <summary>The first character <paramref name="allowed"/> refuses, or null.</summary>
    public static char? FirstRefused(string value, Func<char, bool> allowed)
    {
        foreach (var c in value)
        {
            if (!allowed(c))
            {
                return c;
            }
        }

        return null;
    }
}
