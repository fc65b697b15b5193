namespace Pipeline.Core.Naming;

/// <summary>
/// A branch name as <c>git check-ref-format --branch</c> accepts it: a valid ref name (see
/// <see cref="GitRefName"/>) that does not start with '-' and is not <c>HEAD</c>. Given without
/// <c>refs/heads/</c>.
/// </summary>
public static class BranchName
{
    public const string HeadsPrefix = "refs/heads/";

    public static bool IsValid(string? value) => Problem(value) is null;

    /// <summary>Why <paramref name="value"/> is not a branch name, or null when it is one.</summary>
    public static string? Problem(string? value) => value switch
    {
        { Length: > 0 } when value[0] == '-' => "starts with '-', which git does not allow in a branch name",
        "HEAD" => "is 'HEAD', which git does not allow as a branch name",
        _ => GitRefName.Problem(value),
    };
}
