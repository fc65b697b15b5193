using Pipeline.Local.Aws.EventBridge;
using Pipeline.States.Runtime;
using Pipeline.States.Service;

namespace Pipeline.Local.Aws.StepFunctions;

/// <summary>
/// The event Step Functions puts on the account's default bus when a standard execution's status
/// changes (source <c>aws.states</c>, detail-type "Step Functions Execution Status Change"): the
/// execution's ARN in <c>resources</c>, and in <c>detail</c> its ARN, machine, name, status, start and stop
/// dates (epoch milliseconds), input and output as strings with their <c>*Details.included</c>, error and cause.
/// </summary>
public static class ExecutionStatusEvents
{
    public const string Source = "aws.states";
    public const string DetailType = "Step Functions Execution Status Change";

    public static BusEvent For(ExecutionRecord execution)
    {
        ArgumentNullException.ThrowIfNull(execution);
        var ended = execution.Status != ExecutionStatus.Running;
        return new BusEvent(Source, DetailType, new JsonObject
        {
            ["executionArn"] = execution.ExecutionArn,
            ["stateMachineArn"] = execution.StateMachineArn,
            ["name"] = execution.Name,
            ["status"] = Status(execution.Status),
            ["startDate"] = execution.StartDate.ToUnixTimeMilliseconds(),
            ["stopDate"] = ended ? execution.StopDate?.ToUnixTimeMilliseconds() : null,
            ["input"] = execution.Input,
            ["output"] = execution.Output,
            ["inputDetails"] = new JsonObject { ["included"] = true },
            ["outputDetails"] = execution.Output is null ? null : new JsonObject { ["included"] = true },
            ["error"] = execution.Error,
            ["cause"] = execution.Cause,
        }, [execution.ExecutionArn], Time: ended ? execution.StopDate : execution.StartDate);
    }

    private static string Status(ExecutionStatus status) => status switch
    {
        ExecutionStatus.Running => "RUNNING",
        ExecutionStatus.Succeeded => "SUCCEEDED",
        ExecutionStatus.Failed => "FAILED",
        ExecutionStatus.TimedOut => "TIMED_OUT",
        _ => "ABORTED",
    };
}
