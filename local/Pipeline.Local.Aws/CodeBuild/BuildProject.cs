namespace Pipeline.Local.Aws.CodeBuild;

/// <summary>
/// A local CodeBuild project: where its source is, where artifacts go, its environment and timeout.
/// </summary>
/// <param name="Name">The project name StartBuild refers to.</param>
/// <param name="SourceLocation">A repository name, a CodeCommit clone URL, or a path to a bare repository; StartBuild may override it.</param>
/// <param name="ArtifactsBucket">Where output goes when StartBuild gives no <c>ArtifactsOverride</c>.</param>
public sealed record BuildProject(string Name, string SourceLocation, string ArtifactsBucket)
{
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>Without <c>ArtifactsOverride</c>, objects are stored under <c>{ArtifactPrefix}/{repository}/{commit}/</c>.</summary>
    public string ArtifactPrefix { get; init; } = "builds";

    /// <summary>
    /// Without <c>ArtifactsOverride</c>, the service manifest uploaded beside the artifact zip; null uploads
    /// none. An override uploads only what the buildspec's artifacts select, as CodeBuild does.
    /// </summary>
    public string? ManifestFile { get; init; } = "service.yaml";
}
