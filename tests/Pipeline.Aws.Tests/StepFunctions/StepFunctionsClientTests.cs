namespace Pipeline.Aws.Tests.StepFunctions;

public class StepFunctionsClientTests
{
    private const string ExecutionArn = "arn:aws:states:us-west-2:123456789012:execution:MyStateMachine:0a1b2c3d-4e5f-6789-0abc-def012345678";
    private static string Fixture(string name) => SignedRequests.Fixture("StepFunctions", name);

    private static StepFunctionsClient Client(RecordingHandler handler) =>
        new(StepFunctionsClient.Service.At(new HttpClient(handler), "us-west-2", new Uri("https://states.us-west-2.amazonaws.com/"),
            SignedRequests.StaticCredentials, SignedRequests.Clock));

    [Fact]
    public async Task DescribeExecution_WhenCalled_ShouldSendTheDocumentedBodyAndJson10Headers()
    {
        var handler = new RecordingHandler().Respond(Fixture("describe-execution.response.json"));

        await Client(handler).DescribeExecutionAsync(ExecutionArn, CancellationToken.None);

        var (request, body) = handler.Requests.Single();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Fixture("describe-execution.request.json")), JsonNode.Parse(body)), body);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://states.us-west-2.amazonaws.com/", request.RequestUri!.ToString());
        Assert.Equal("AWSStepFunctions.DescribeExecution", request.Headers.GetValues("X-Amz-Target").Single());
        Assert.Equal("application/x-amz-json-1.0", request.Content!.Headers.ContentType!.MediaType);
        Assert.Equal("20240926T180005Z", request.Headers.GetValues("X-Amz-Date").Single());
    }

    [Fact]
    public async Task DescribeExecution_WhenSigned_ShouldCarryAValidSigV4SignatureForStates()
    {
        var handler = new RecordingHandler().Respond(Fixture("describe-execution.response.json"));

        await Client(handler).DescribeExecutionAsync(ExecutionArn, CancellationToken.None);

        var (request, body) = handler.Requests.Single();
        SignedRequests.AssertSigned(request, body, "states.us-west-2.amazonaws.com", "us-west-2", "states", "AWSStepFunctions.DescribeExecution");
    }

    [Fact]
    public async Task DescribeExecution_WhenAnswered_ShouldReadStatusAndDates()
    {
        var result = await Client(new RecordingHandler().Respond(Fixture("describe-execution.response.json")))
            .DescribeExecutionAsync(ExecutionArn, CancellationToken.None);

        Assert.Equal(ExecutionArn, result.ExecutionArn);
        Assert.Equal("ABORTED", result.Status);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1727352000123), result.StartDate);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1727352090456), result.StopDate);
    }

    [Fact]
    public async Task DescribeExecution_WhenRunning_ShouldHaveNoStopDate()
    {
        var result = await Client(new RecordingHandler().Respond(Fixture("describe-execution-running.response.json")))
            .DescribeExecutionAsync(ExecutionArn, CancellationToken.None);

        Assert.Equal(("RUNNING", (DateTimeOffset?)null), (result.Status, result.StopDate));
    }

    [Fact]
    public async Task DescribeExecution_WhenTheExecutionDoesNotExist_ShouldThrowWithTheErrorCode()
    {
        var client = Client(new RecordingHandler().Respond(Fixture("execution-does-not-exist.error.json"), HttpStatusCode.BadRequest));

        var error = await Assert.ThrowsAsync<StepFunctionsClientException>(() => client.DescribeExecutionAsync(ExecutionArn, CancellationToken.None));

        Assert.Equal(("ExecutionDoesNotExist", HttpStatusCode.BadRequest), (error.Code, error.Status));
        Assert.Contains("Execution Does Not Exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStatus_WhenTheExecutionDoesNotExist_ShouldAnswerNull()
    {
        var statuses = new StepFunctionsExecutionStatuses(
            Client(new RecordingHandler().Respond(Fixture("execution-does-not-exist.error.json"), HttpStatusCode.BadRequest)));

        Assert.Null(await statuses.GetStatusAsync(ExecutionArn));
    }

    [Fact]
    public async Task GetStatus_WhenStepFunctionsRefuses_ShouldSayTheStatusIsUnavailable()
    {
        var statuses = new StepFunctionsExecutionStatuses(Client(new RecordingHandler().Respond(
            """{"__type":"com.amazon.coral.service#AccessDeniedException","Message":"not authorized to perform: states:DescribeExecution"}""",
            HttpStatusCode.BadRequest)));

        var error = await Assert.ThrowsAsync<ExecutionStatusUnavailableException>(() => statuses.GetStatusAsync(ExecutionArn));

        Assert.Contains("AccessDeniedException", error.Message, StringComparison.Ordinal);
    }
}
