namespace Pipeline.Aws.StepFunctions;

/// <summary>
/// A small Step Functions client (AWSSDK.StepFunctions is not available here) for DescribeExecution
/// (the deploy lock tells whether its holder still runs) and StartExecution (the GitHub webhook). It speaks AWS
/// JSON 1.0 as the API reference documents it: POST / with
/// <c>X-Amz-Target: AWSStepFunctions.DescribeExecution</c> and
/// <c>Content-Type: application/x-amz-json-1.0</c>, timestamps as epoch seconds. Requests are
/// signed with AWSSDK.Core's SigV4 signer for the service name <c>states</c>, like
/// <see cref="CloudWatchClient"/>.
/// </summary>
/// <param name="endpoint"><see cref="Service"/> at the public endpoint or, locally, the stack's Step Functions API.</param>
public sealed class StepFunctionsClient(AwsJsonRequests endpoint)
{
    public static readonly AwsJsonService Service = new("states", "AWSStepFunctions");

    /// <summary>DescribeExecution; <see cref="StepFunctionsClientException"/> with the service's error code otherwise.</summary>
    public Task<DescribeExecutionResponse> DescribeExecutionAsync(string executionArn, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(executionArn);
        return endpoint.CallAsync("DescribeExecution", new DescribeExecutionRequest(executionArn),
            StepFunctionsJsonContext.Default.DescribeExecutionRequest, StepFunctionsJsonContext.Default.DescribeExecutionResponse,
            error => new StepFunctionsClientException(error), cancellationToken);
    }

    /// <summary>StartExecution; <see cref="StepFunctionsClientException"/> with the service's error code otherwise.</summary>
    public Task<StartExecutionResponse> StartExecutionAsync(string stateMachineArn, string name, string input, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateMachineArn);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(input);
        return endpoint.CallAsync("StartExecution", new StartExecutionRequest(stateMachineArn, name, input),
            StepFunctionsJsonContext.Default.StartExecutionRequest, StepFunctionsJsonContext.Default.StartExecutionResponse,
            error => new StepFunctionsClientException(error), cancellationToken);
    }
}
