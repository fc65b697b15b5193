namespace Pipeline.States.Service;

/// <summary>An error of the Step Functions API; <see cref="Code"/> is the AWS exception name (ExecutionDoesNotExist, ...).</summary>
public sealed class StepFunctionsException : Exception
{
    public StepFunctionsException(string code, string message) : base(message) => Code = code;

    public StepFunctionsException() : this("ServiceException", "")
    {
    }

    public StepFunctionsException(string message) : this("ServiceException", message)
    {
    }

    public StepFunctionsException(string message, Exception innerException) : base(message, innerException) => Code = "ServiceException";

    public string Code { get; }
}
