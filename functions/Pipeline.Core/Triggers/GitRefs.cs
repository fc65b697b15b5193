namespace Pipeline.Core.Triggers;

/// <summary>Small facts about git names the trigger shapes rely on.</summary>
internal static class GitRefs
{
    public const string HeadsPrefix = "refs/heads/";
    public const string TagsPrefix = "refs/tags/";

    /// <summary>Git writes an all-zero id as the new value of a deleted ref.</summary>
    public static bool IsZero(string commit) => commit.All(c => c == '0');

    /// <summary>A full SHA-1 (40) or SHA-256 (64) object id in hex.</summary>
    public static bool IsFullCommitId(string value) =>
        value.Length is 40 or 64 && value.All(char.IsAsciiHexDigit);

    /// <summary>A commit id, full or abbreviated to at least 7 hex digits, as a person types one.</summary>
    public static bool IsCommitId(string value) =>
        value.Length is >= 7 and <= 64 && value.All(char.IsAsciiHexDigit);

    /// <summary>Names a service may have: what a repository name, a table prefix and a host name all accept.</summary>
    public static bool IsServiceName(string value) =>
        value.Length is >= 1 and <= 100
        && char.IsAsciiLetterOrDigit(value[0])
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
