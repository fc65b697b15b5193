namespace Pipeline.Core.Errors;

/// <summary>The fleet could not start a version's instances: a missing artifact, a refused launch, too few instances.</summary>
public sealed class LaunchFailedException(string message, Exception? inner = null) : PipelineException(message, inner)
{
    public const string Name = "Pipeline.LaunchFailed";

    public override string ErrorType => Name;
}

/// <summary>A version cannot be retired while it still serves traffic.</summary>
public sealed class VersionStillLiveException(string message) : PipelineException(message)
{
    public const string Name = "Pipeline.VersionStillLive";

    public override string ErrorType => Name;
}
