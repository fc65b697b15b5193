namespace Pipeline.Local.Aws.EventBridge;

/// <summary>An event pattern EventBridge would refuse; the message names the field at fault.</summary>
public sealed class EventPatternInvalidException(string message)
    : PipelineException(message)
{
    public const string Name = "Pipeline.EventPatternInvalid";

    public override string ErrorType => Name;
}
