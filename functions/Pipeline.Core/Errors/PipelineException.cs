namespace Pipeline.Core.Errors;

/// <summary>
/// An error a state machine can match by name in Retry and Catch. <see cref="ErrorType"/> is the
/// exact string the Lambda runtime reports as <c>errorType</c>, so the ASL reads like the code.
/// </summary>
public abstract class PipelineException : Exception
{
    protected PipelineException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>The ASL error name, for example <c>Pipeline.InvalidInput</c>.</summary>
    public abstract string ErrorType { get; }
}

/// <summary>The input of a function did not deserialize or failed validation.</summary>
public sealed class InvalidInputException(string message, Exception? inner = null)
    : PipelineException(message, inner)
{
    public const string Name = "Pipeline.InvalidInput";

    public override string ErrorType => Name;
}
