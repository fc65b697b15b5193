namespace Pipeline.Local.Aws.CodeBuild;

/// <summary>StartBuild input CodeBuild would reject; named as CodeBuild's own error so Catch clauses match.</summary>
public sealed class BuildInputInvalidException(string message) : PipelineException(message)
{
    public const string Name = "CodeBuild.InvalidInputException";

    public override string ErrorType => Name;
}

/// <summary>The project named in StartBuild does not exist.</summary>
public sealed class BuildProjectNotFoundException(string message) : PipelineException(message)
{
    public const string Name = "CodeBuild.ResourceNotFoundException";

    public override string ErrorType => Name;
}
