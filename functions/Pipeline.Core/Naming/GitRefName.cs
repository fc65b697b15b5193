namespace Pipeline.Core.Naming;

/// <summary>
/// git check-ref-format's rules for a reference name (a branch or tag name, or a full <c>refs/...</c>
/// name), implemented without a regex. On top of git's rules, names are at most 255 characters and hold
/// no whitespace or invisible character at all, so a name reads the same in every log and message.
/// </summary>
public static class GitRefName
{
    public const int MaxLength = 255;
    public const string TagsPrefix = "refs/tags/";

    /// <summary>Why <paramref name="value"/> is not a valid reference name, or null when it is one.</summary>
    public static string? Problem(string? value)
    {
        if (Characters.HasLengthProblem(value, MaxLength, out var problem))
        {
            return problem;
        }

        if (Characters.FirstRefused(value, Allowed) is { } bad)
        {
            return $"has {Shown.Character(bad)}, which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)";
        }

        return value switch
        {
            "@" => "is '@', which git does not allow as a ref name",
            _ when value.Contains("..", StringComparison.Ordinal) => "has '..', which git does not allow",
            _ when value.Contains("@{", StringComparison.Ordinal) => "has '@{', which git does not allow",
            _ when value.Contains("//", StringComparison.Ordinal) => "has '//', which git does not allow",
            _ when value[0] == '/' => "starts with '/', which git does not allow",
            _ when value[^1] == '/' => "ends with '/', which git does not allow",
            _ when value[^1] == '.' => "ends with '.', which git does not allow",
            _ => ComponentProblem(value),
        };
    }

    private static bool Allowed(char c) =>
        !Characters.IsInvisible(c) && !char.IsWhiteSpace(c) && c is not ('~' or '^' or ':' or '?' or '*' or '[' or '\\');

    private static string? ComponentProblem(string value)
    {
        foreach (var component in value.Split('/'))
        {
            if (component.StartsWith('.'))
            {
                return $"has a part starting with '.' ('{component}'), which git does not allow";
            }

            if (component.EndsWith(".lock", StringComparison.Ordinal))
            {
                return $"has a part ending with '.lock' ('{component}'), which git does not allow";
            }
        }

        return null;
    }
}
