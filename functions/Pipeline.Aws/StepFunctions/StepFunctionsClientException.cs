namespace Pipeline.Aws.StepFunctions;

/// <summary>An error Step Functions returned, with its error code (e.g. <c>ExecutionDoesNotExist</c>).</summary>
public sealed class StepFunctionsClientException(AwsJsonError error) : AwsJsonException("Step Functions", error);
