namespace Pipeline.Core.Naming;

/// <summary>
/// A full SHA-1 commit id: 40 hex digits. CodeCommit and GitHub name commits this way, version labels
/// take their <c>${git}</c> from it and RecordVersion records it, so a trigger accepts nothing shorter:
/// an abbreviation could name a different commit tomorrow.
/// </summary>
public static class CommitSha
{
    public const int Length = 40;

    public static bool IsValid(string? value) => Problem(value) is null;

    /// <summary>Why <paramref name="value"/> is not a full commit id, or null when it is one.</summary>
    public static string? Problem(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "is empty";
        }

        if (Characters.FirstRefused(value, char.IsAsciiHexDigit) is { } bad)
        {
            return $"has {Shown.Character(bad)}, which is not a hex digit";
        }

        return value.Length == Length
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"is {value.Length} hex digits; a full commit id has {Length}");
    }

    /// <summary>Git prints ids in lower case; comparisons and labels rely on one spelling.</summary>
    public static string Normalize(string value) => value.ToLowerInvariant();

    /// <summary>Git writes an all-zero id as the new value of a deleted ref.</summary>
    public static bool IsZero(string value) => value.Length > 0 && value.All(c => c == '0');
}
