namespace Pipeline.Core.Errors;

/// <summary>
/// Another execution holds the service's deploy lock. The state machine retries on this error,
/// which is how a second run for the same service waits its turn.
/// </summary>
public sealed class LockHeldException(string message) : PipelineException(message)
{
    public const string Name = "Pipeline.LockHeld";

    public override string ErrorType => Name;
}

/// <summary>A router refused the routes version being waited for: waiting longer cannot help.</summary>
public sealed class RoutesRejectedException(string message) : PipelineException(message)
{
    public const string Name = "Pipeline.RoutesRejected";

    public override string ErrorType => Name;
}
