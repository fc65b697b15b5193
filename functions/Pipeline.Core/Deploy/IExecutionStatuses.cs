namespace Pipeline.Core.Deploy;

/// <summary>
/// What the orchestrator says about one of its executions: enough for a deploy lock to tell whether
/// its holder still runs. On AWS, Step Functions DescribeExecution; locally, the same API of the stack.
/// </summary>
public interface IExecutionStatuses
{
    /// <summary>
    /// The execution's status as Step Functions names it (<see cref="ExecutionStatuses"/>), or null
    /// when there is no such execution. <see cref="ExecutionStatusUnavailableException"/> when it
    /// cannot be read (throttled, no permission, unreachable).
    /// </summary>
    Task<string?> GetStatusAsync(string executionArn, CancellationToken cancel = default);
}

/// <summary>The status names of Step Functions' ExecutionStatus.</summary>
public static class ExecutionStatuses
{
    public const string Running = "RUNNING";
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
    public const string TimedOut = "TIMED_OUT";
    public const string Aborted = "ABORTED";

    /// <summary>
    /// True only for the four final statuses. PENDING_REDRIVE (about to run again) and any status
    /// added later count as running, so an unknown answer never frees a lock.
    /// </summary>
    public static bool HasEnded(string status) => status is Succeeded or Failed or TimedOut or Aborted;
}

/// <summary>The status of an execution could not be read; the caller must assume it still runs.</summary>
public sealed class ExecutionStatusUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
