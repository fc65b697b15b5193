namespace Pipeline.Core.Naming;

/// <summary>
/// The clone URLs a run may build from. CodeBuild clones what the run names, so a URL is either derived
/// from the service (CodeCommit) or checked against the exact shape GitHub sends; nothing else passes.
/// </summary>
public static class RepositoryUrl
{
    public const string GitHubPrefix = "https://github.com/";
    private const int GitHubOwnerMaxLength = 39;

    /// <summary>The HTTPS clone URL of a CodeCommit repository; the local git host resolves the same URL.</summary>
    public static string CodeCommit(string region, string repository)
    {
        if (!AwsRegion.IsValid(region))
        {
            throw new ArgumentException($"{Shown.Quote(region)} is not an AWS region code", nameof(region));
        }

        if (ServiceName.Problem(repository) is { } problem)
        {
            throw new ArgumentException($"repository {Shown.Quote(repository)} {problem}", nameof(repository));
        }

        return $"https://git-codecommit.{region}.amazonaws.com/v1/repos/{repository}";
    }

    /// <summary>
    /// Why <paramref name="url"/> is not the clone URL of GitHub repository <paramref name="repository"/>
    /// (<c>https://github.com/OWNER/REPOSITORY.git</c>: https, the github.com host, no credentials, port,
    /// query or fragment), or null when it is.
    /// </summary>
    public static string? GitHubCloneProblem(string? url, string repository)
    {
        if (string.IsNullOrEmpty(url))
        {
            return "is empty";
        }

        if (Characters.FirstRefused(url, c => !Characters.IsInvisible(c) && !char.IsWhiteSpace(c)) is { } bad)
        {
            return $"has {Shown.Character(bad)}";
        }

        if (!url.StartsWith(GitHubPrefix, StringComparison.Ordinal))
        {
            return $"must start with {GitHubPrefix} (https, the github.com host, no credentials or port)";
        }

        var path = url[GitHubPrefix.Length..].Split('/');
        if (path.Length != 2)
        {
            return $"must be {GitHubPrefix}OWNER/{repository}.git";
        }

        if (!IsGitHubOwner(path[0]))
        {
            return $"has owner {Shown.Quote(path[0])}, which is not a GitHub account name (letters, digits and '-', at most 39)";
        }

        return path[1] == repository + ".git" ? null : $"must end in /{repository}.git, the repository the event names";
    }

    private static bool IsGitHubOwner(string owner) =>
        owner.Length is > 0 and <= GitHubOwnerMaxLength
        && owner[0] != '-' && owner[^1] != '-'
        && owner.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
