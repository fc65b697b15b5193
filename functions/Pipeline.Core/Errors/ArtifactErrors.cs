namespace Pipeline.Core.Errors;

/// <summary>An object the step needs (build artifact, service.yaml) is not in the artifact store.</summary>
public sealed class ArtifactNotFoundException(string message) : PipelineException(message)
{
    public const string Name = "Pipeline.ArtifactNotFound";

    public override string ErrorType => Name;
}

/// <summary>An immutable artifact key already holds different content; it is never overwritten.</summary>
public sealed class ArtifactConflictException(string message) : PipelineException(message)
{
    public const string Name = "Pipeline.ArtifactConflict";

    public override string ErrorType => Name;
}

/// <summary>The registry has no record of the service version a step was asked to act on.</summary>
public sealed class VersionNotFoundException(string message) : PipelineException(message)
{
    public const string Name = "Pipeline.VersionNotFound";

    public override string ErrorType => Name;
}
