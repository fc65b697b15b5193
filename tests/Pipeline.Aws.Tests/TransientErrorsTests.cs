using System.Net.Sockets;
using Amazon.DynamoDBv2.Model;
using Amazon.S3;

namespace Pipeline.Aws.Tests;

/// <summary>Which failures become <c>Pipeline.Transient</c> (retried by the state machine) and which stay as they are (fail fast).</summary>
public sealed class TransientErrorsTests
{
    public static TheoryData<string, Exception> Transient() => new()
    {
        { "connection reset", new HttpRequestException("reset", new SocketException((int)SocketError.ConnectionReset)) },
        { "connection refused", new HttpRequestException(HttpRequestError.ConnectionError, "refused") },
        { "response ended prematurely", new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely.") },
        { "premature end wrapped by the SDK", new AmazonS3Exception("read failed", new IOException("The response ended prematurely")) },
        { "HttpClient timeout", new TaskCanceledException("timed out", new TimeoutException()) },
        { "5xx from DynamoDB", new InternalServerErrorException("boom") { StatusCode = HttpStatusCode.InternalServerError } },
        { "503 SlowDown from S3", new AmazonS3Exception("slow down") { StatusCode = HttpStatusCode.ServiceUnavailable, ErrorCode = "SlowDown" } },
        { "DynamoDB throttling (400)", new AmazonDynamoDBExceptionStandIn("ThrottlingException") },
        { "DynamoDB throughput exceeded (400)", new ProvisionedThroughputExceededException("over") { StatusCode = HttpStatusCode.BadRequest, ErrorCode = "ProvisionedThroughputExceededException" } },
        { "429 from a JSON service", new StepFunctionsClientException(new AwsJsonError("Anything", "slow", HttpStatusCode.TooManyRequests)) },
        { "throttling code from a JSON service", new CloudWatchException(new AwsJsonError("Throttling", "Rate exceeded", HttpStatusCode.BadRequest)) },
        { "502 via EnsureSuccessStatusCode", new HttpRequestException("bad gateway", null, HttpStatusCode.BadGateway) },
    };

    public static TheoryData<string, Exception> Permanent() => new()
    {
        { "conditional check failed", new ConditionalCheckFailedException("taken") { StatusCode = HttpStatusCode.BadRequest, ErrorCode = "ConditionalCheckFailedException" } },
        { "access denied", new AmazonS3Exception("denied") { StatusCode = HttpStatusCode.Forbidden, ErrorCode = "AccessDenied" } },
        { "validation", new AmazonDynamoDBExceptionStandIn("ValidationException") },
        { "404 via EnsureSuccessStatusCode", new HttpRequestException("not found", null, HttpStatusCode.NotFound) },
        { "a JSON service's 400", new StepFunctionsClientException(new AwsJsonError("ExecutionDoesNotExist", "no", HttpStatusCode.BadRequest)) },
        { "the invocation's own deadline", new OperationCanceledException("deadline") },
        { "a pipeline error wrapping I/O", new LaunchFailedException("refused", new IOException("x")) },
        { "a bug", new InvalidOperationException("null somewhere") },
    };

    [Theory]
    [MemberData(nameof(Transient))]
    public void Classify_WhenTheFailureIsTransient_ShouldWrapItAsPipelineTransient(string @case, Exception error)
    {
        var classified = TransientErrors.Classify(error);

        var transient = Assert.IsType<TransientException>(classified);
        Assert.True(transient.ErrorType == "Pipeline.Transient", @case);
        Assert.Same(error, transient.InnerException);
        Assert.Contains(error.Message, transient.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Permanent))]
    public void Classify_WhenTheFailureIsPermanent_ShouldLeaveItAsThrown(string @case, Exception error)
    {
        Assert.True(ReferenceEquals(error, TransientErrors.Classify(error)), @case);
    }

    /// <summary>DynamoDB's JSON error as the SDK surfaces a code it has no class for: 400 and the code.</summary>
    private sealed class AmazonDynamoDBExceptionStandIn : Amazon.DynamoDBv2.AmazonDynamoDBException
    {
        public AmazonDynamoDBExceptionStandIn(string code)
            : base(code)
        {
            StatusCode = HttpStatusCode.BadRequest;
            ErrorCode = code;
        }
    }
}
