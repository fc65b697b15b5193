namespace Pipeline.Core.Naming;

/// <summary>
/// A version label as a label template renders it: literal text and placeholders all come from
/// <c>A-Za-z0-9._-</c>, at most 128 characters. A manual redeploy names one, so nothing else can be recorded.
/// </summary>
public static class VersionLabel
{
    public const int MaxLength = 128;

    public static bool IsValid(string? value) => Problem(value) is null;

    /// <summary>Why <paramref name="value"/> cannot be a version label, or null when it can.</summary>
    public static string? Problem(string? value)
    {
        if (Characters.HasLengthProblem(value, MaxLength, out var problem))
        {
            return problem;
        }

        return Characters.FirstRefused(value, c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') is { } bad
            ? $"has {Shown.Character(bad)}; labels are letters, digits, '.', '_' and '-'"
            : null;
    }
}
