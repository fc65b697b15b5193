using Pipeline.Core.Webhooks;

namespace Pipeline.Aws.Tests.StepFunctions;

public sealed class StepFunctionsExecutionStarterTests
{
    private const string Machine = "arn:aws:states:us-west-2:123456789012:stateMachine:MyStateMachine";
    private const string Name = "github-orders-6113728f27ae-0d1a26e67d8f";
    private const string Execution = "arn:aws:states:us-west-2:123456789012:execution:MyStateMachine:" + Name;
    private static string Fixture(string name) => SignedRequests.Fixture("StepFunctions", name);

    private static StepFunctionsExecutionStarter Starter(RecordingHandler handler) => new(
        new StepFunctionsClient(StepFunctionsClient.Service.At(new HttpClient(handler), "us-west-2", new Uri("https://states.us-west-2.amazonaws.com/"), SignedRequests.StaticCredentials)),
        Machine);

    [Fact]
    public async Task Start_WhenNoExecutionHasTheName_ShouldSendTheDocumentedStartExecution()
    {
        var handler = new RecordingHandler()
            .Respond(Fixture("execution-does-not-exist.error.json"), HttpStatusCode.BadRequest)
            .Respond(Fixture("start-execution.response.json"));

        var start = await Starter(handler).StartAsync(Name, """{"source":"github.com"}""", CancellationToken.None);

        Assert.Equal(new ExecutionStart(true, Execution), start);
        var (describe, describeBody) = handler.Requests[0];
        Assert.Equal("AWSStepFunctions.DescribeExecution", describe.Headers.GetValues("X-Amz-Target").Single());
        Assert.Equal(Execution, JsonNode.Parse(describeBody)!["executionArn"]!.GetValue<string>());
        var (request, body) = handler.Requests[1];
        Assert.Equal("AWSStepFunctions.StartExecution", request.Headers.GetValues("X-Amz-Target").Single());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Fixture("start-execution.request.json")), JsonNode.Parse(body)), body);
    }

    [Fact]
    public async Task Start_WhenTheExecutionExists_ShouldNotStartAgain()
    {
        var handler = new RecordingHandler().Respond(Fixture("describe-execution-running.response.json"));

        var start = await Starter(handler).StartAsync(Name, "{}", CancellationToken.None);

        Assert.Equal(new ExecutionStart(false, Execution), start);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Start_WhenAnotherStartWonTheRace_ShouldAnswerNotStarted()
    {
        var handler = new RecordingHandler()
            .Respond(Fixture("execution-does-not-exist.error.json"), HttpStatusCode.BadRequest)
            .Respond(Fixture("execution-already-exists.error.json"), HttpStatusCode.BadRequest);

        Assert.Equal(new ExecutionStart(false, Execution), await Starter(handler).StartAsync(Name, "{}", CancellationToken.None));
    }

    [Fact]
    public async Task Start_WhenStepFunctionsRefuses_ShouldSayUnavailable()
    {
        var handler = new RecordingHandler()
            .Respond(Fixture("execution-does-not-exist.error.json"), HttpStatusCode.BadRequest)
            .Respond("""{"__type":"com.amazon.coral.service#AccessDeniedException","Message":"no"}""", HttpStatusCode.BadRequest);

        var error = await Assert.ThrowsAsync<WebhookUnavailableException>(() => Starter(handler).StartAsync(Name, "{}", CancellationToken.None));

        Assert.Contains("AccessDeniedException", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExecutionArn_WhenGivenAStateMachineArn_ShouldBeTheExecutionArnStepFunctionsGives() =>
        Assert.Equal(Execution, StepFunctionsExecutionStarter.ExecutionArn(Machine, Name));
}
