using Amazon.Runtime;

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
public sealed class StepFunctionsClient(
    HttpClient http,
    Uri endpoint,
    string region,
    Func<CancellationToken, Task<ImmutableCredentials>> credentials,
    TimeProvider? clock = null)
{
    public const string TargetPrefix = "AWSStepFunctions";
    public const string ContentType = AwsJsonRequests.ContentType;
    private const string Service = "states";

    private readonly AwsJsonRequests _endpoint = new(http, endpoint, region, Service, TargetPrefix, credentials, clock);

    /// <summary>
    /// The client for a region, with the SDK's default credential chain (environment, profile,
    /// container or instance role). <paramref name="endpoint"/> overrides
    /// <c>https://states.{region}.amazonaws.com/</c>, e.g. for the local stack's Step Functions API.
    /// </summary>
    public static StepFunctionsClient Create(HttpClient http, string region, Uri? endpoint = null) =>
        new(http, endpoint ?? AwsJsonRequests.DefaultEndpoint(Service, region), region, AwsJsonRequests.DefaultCredentials());

    /// <summary>DescribeExecution; <see cref="StepFunctionsClientException"/> with the service's error code otherwise.</summary>
    public Task<DescribeExecutionResponse> DescribeExecutionAsync(string executionArn, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(executionArn);
        return _endpoint.CallAsync("DescribeExecution", new DescribeExecutionRequest(executionArn),
            StepFunctionsJsonContext.Default.DescribeExecutionRequest, StepFunctionsJsonContext.Default.DescribeExecutionResponse,
            error => new StepFunctionsClientException(error), cancellationToken);
    }

    /// <summary>StartExecution; <see cref="StepFunctionsClientException"/> with the service's error code otherwise.</summary>
    public Task<StartExecutionResponse> StartExecutionAsync(string stateMachineArn, string name, string input, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateMachineArn);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(input);
        return _endpoint.CallAsync("StartExecution", new StartExecutionRequest(stateMachineArn, name, input),
            StepFunctionsJsonContext.Default.StartExecutionRequest, StepFunctionsJsonContext.Default.StartExecutionResponse,
            error => new StepFunctionsClientException(error), cancellationToken);
    }
}
