using System.Text.Json;
using Amazon.Runtime;
using Pipeline.Aws.CloudWatch;

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
public sealed class StepFunctionsClient
{
    public const string TargetPrefix = "AWSStepFunctions";
    public const string ContentType = AwsJsonRequests.ContentType;
    private const string Service = "states";

    private readonly AwsJsonRequests _endpoint;

    public StepFunctionsClient(
        HttpClient http,
        Uri endpoint,
        string region,
        Func<CancellationToken, Task<ImmutableCredentials>> credentials,
        TimeProvider? clock = null)
    {
        _endpoint = new AwsJsonRequests(http, endpoint, region, Service, TargetPrefix, credentials, clock);
    }

    /// <summary>
    /// The client for a region, with the SDK's default credential chain (environment, profile,
    /// container or instance role). <paramref name="endpoint"/> overrides
    /// <c>https://states.{region}.amazonaws.com/</c>, e.g. for the local stack's Step Functions API.
    /// </summary>
    public static StepFunctionsClient Create(HttpClient http, string region, Uri? endpoint = null)
    {
        return new StepFunctionsClient(
            http, endpoint ?? new Uri($"https://states.{region}.amazonaws.com/"), region, AwsJsonRequests.DefaultCredentials());
    }

    /// <summary>DescribeExecution; <see cref="StepFunctionsClientException"/> with the service's error code otherwise.</summary>
    public async Task<DescribeExecutionResponse> DescribeExecutionAsync(string executionArn, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(executionArn);
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new DescribeExecutionRequest(executionArn), StepFunctionsJsonContext.Default.DescribeExecutionRequest);
        var (response, text) = await _endpoint.PostAsync("DescribeExecution", body, cancellationToken);
        using var owned = response;
        if (!response.IsSuccessStatusCode)
        {
            throw Error(response, text);
        }

        return JsonSerializer.Deserialize(text, StepFunctionsJsonContext.Default.DescribeExecutionResponse)
            ?? throw new StepFunctionsClientException("EmptyResponse", "DescribeExecution returned no body", response.StatusCode);
    }

    /// <summary>StartExecution; <see cref="StepFunctionsClientException"/> with the service's error code otherwise.</summary>
    public async Task<StartExecutionResponse> StartExecutionAsync(string stateMachineArn, string name, string input, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateMachineArn);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(input);
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new StartExecutionRequest(stateMachineArn, name, input), StepFunctionsJsonContext.Default.StartExecutionRequest);
        var (response, text) = await _endpoint.PostAsync("StartExecution", body, cancellationToken);
        using var owned = response;
        if (!response.IsSuccessStatusCode)
        {
            throw Error(response, text);
        }

        return JsonSerializer.Deserialize(text, StepFunctionsJsonContext.Default.StartExecutionResponse)
            ?? throw new StepFunctionsClientException("EmptyResponse", "StartExecution returned no body", response.StatusCode);
    }

    private static StepFunctionsClientException Error(HttpResponseMessage response, string text)
    {
        // The error code is the last part of __type ("com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist"),
        // or the x-amzn-ErrorType header when the body has none.
        string? code = null;
        string? message = null;
        try
        {
            var error = JsonSerializer.Deserialize(text, StepFunctionsJsonContext.Default.JsonErrorBody);
            code = error?.Type?.Split('#')[^1];
            message = error?.Message ?? error?.MessageUpper;
        }
        catch (JsonException)
        {
            message = text;
        }

        if (code is null && response.Headers.TryGetValues("x-amzn-ErrorType", out var values))
        {
            code = values.FirstOrDefault()?.Split(':')[0];
        }

        return new StepFunctionsClientException(code ?? "Unknown", message ?? "(no message)", response.StatusCode);
    }
}
