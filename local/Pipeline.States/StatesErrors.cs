namespace Pipeline.States;

/// <summary>The error names the Amazon States Language reserves.</summary>
public static class StatesErrors
{
    public const string All = "States.ALL";
    public const string BranchFailed = "States.BranchFailed";
    public const string DataLimitExceeded = "States.DataLimitExceeded";
    public const string ExceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold";
    public const string HeartbeatTimeout = "States.HeartbeatTimeout";
    public const string IntrinsicFailure = "States.IntrinsicFailure";
    public const string NoChoiceMatched = "States.NoChoiceMatched";
    public const string ParameterPathFailure = "States.ParameterPathFailure";
    public const string Permissions = "States.Permissions";
    public const string ResultPathMatchFailure = "States.ResultPathMatchFailure";
    public const string Runtime = "States.Runtime";
    public const string TaskFailed = "States.TaskFailed";
    public const string Timeout = "States.Timeout";
}

/// <summary>An error raised while running a state: its name is what Retry and Catch match on.</summary>
public class StatesException : Exception
{
    public StatesException(string error, string cause) : base(cause)
    {
        Error = error;
        Cause = cause;
    }

    public StatesException() : this(StatesErrors.Runtime, "")
    {
    }

    public StatesException(string message) : this(StatesErrors.Runtime, message)
    {
    }

    public StatesException(string message, Exception innerException) : base(message, innerException)
    {
        Error = StatesErrors.Runtime;
        Cause = message;
    }

    public string Error { get; }

    public string Cause { get; }

    /// <summary>States.Runtime and States.DataLimitExceeded end the execution whatever the Retry and Catch fields say.</summary>
    public bool IsTerminal => Error is StatesErrors.Runtime or StatesErrors.DataLimitExceeded;

    public static StatesException Runtime(string cause) => new(StatesErrors.Runtime, cause);
}
