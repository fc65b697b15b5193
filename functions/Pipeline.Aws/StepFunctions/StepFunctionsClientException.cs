using System.Net;

namespace Pipeline.Aws.StepFunctions;

/// <summary>An error Step Functions returned, with its error code (e.g. <c>ExecutionDoesNotExist</c>).</summary>
public sealed class StepFunctionsClientException(string code, string message, HttpStatusCode status)
    : Exception($"Step Functions {code} ({(int)status}): {message}")
{
    public string Code { get; } = code;

    public HttpStatusCode Status { get; } = status;
}
