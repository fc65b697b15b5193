using Pipeline.Local.Aws.CodeCommit;

namespace Pipeline.Local.Aws.CodeBuild;

/// <summary>Finds the local bare repository behind a CodeBuild source location.</summary>
public interface IBuildSources
{
    /// <summary>The repository name and the path of its bare repository.</summary>
    (string Repository, string Path) Resolve(string location);
}

/// <summary>
/// Resolves a CodeCommit clone URL (<c>https://git-codecommit.REGION.amazonaws.com/v1/repos/NAME</c>),
/// a <c>codecommit::REGION://NAME</c> URL, a GitHub clone URL of the local owner
/// (<c>https://github.com/pipeline-local/NAME.git</c>), or a bare NAME to the git host's repository.
/// </summary>
public sealed partial class GitHostBuildSources(LocalGitHost host) : IBuildSources
{
    /// <summary>The GitHub owner the local git host plays: the local stack's GitHubOwner.</summary>
    public const string LocalGitHubOwner = "pipeline-local";

    public (string Repository, string Path) Resolve(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        var match = CodeCommitLocation().Match(location);
        var name = match.Success ? match.Groups["name"].Value : location;
        string path;
        try
        {
            path = host.RepositoryPath(name);
        }
        catch (ArgumentException e)
        {
            throw new BuildInputInvalidException($"SourceLocation: '{location}' names no local repository: {e.Message}");
        }

        return Directory.Exists(path)
            ? (name, path)
            : throw new BuildInputInvalidException($"SourceLocation: repository '{name}' does not exist on the local git host");
    }

    [GeneratedRegex(@"^(?:https://git-codecommit\.[a-z0-9-]+\.amazonaws\.com/v1/repos/(?<name>[^/]+?)/?|codecommit::[a-z0-9-]+://(?<name>[^/]+?)/?|https://github\.com/pipeline-local/(?<name>[^/]+)\.git)\z")]
    private static partial Regex CodeCommitLocation();
}
