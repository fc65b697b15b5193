namespace Pipeline.Local.Aws.Scheduler;

/// <summary>A schedule expression EventBridge would refuse; the message names the field at fault.</summary>
public sealed class ScheduleExpressionInvalidException(string message)
    : PipelineException(message)
{
    public const string Name = "Pipeline.ScheduleExpressionInvalid";

    public override string ErrorType => Name;
}
