using Microsoft.AspNetCore.Http;

namespace Pipeline.States.Tests;

public sealed class LambdaInvokeIntegrationTests : IAsyncLifetime, IDisposable
{
    private LambdaInvokeEndpoint _lambda = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _lambda = await LambdaInvokeEndpoint.StartAsync();
        _http = new HttpClient { BaseAddress = _lambda.BaseAddress };
    }

    public async Task DisposeAsync() => await _lambda.DisposeAsync();

    public void Dispose() => _http?.Dispose();

    private EngineOptions Options()
    {
        var lambda = new LambdaInvokeIntegration(_http);
        return new EngineOptions
        {
            WaitTimeScale = 0,
            Integrations = new TaskIntegrationRegistry()
                .Register(LambdaInvokeIntegration.OptimizedResource, lambda)
                .Register(LambdaInvokeIntegration.FunctionArnPattern, lambda),
        };
    }

    private const string Optimized = """
        {"StartAt":"Invoke","States":{"Invoke":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
          "Parameters":{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:Greeter","Payload":{"who.$":"$.name"}},"End":true}}}
        """;

    [Fact]
    public async Task LambdaInvoke_WhenFunctionReturns_ShouldWrapPayloadLikeAws()
    {
        _lambda.Function("Greeter", input => Results.Json(new { greeting = "hello " + input!["who"] }));

        var (result, _) = await Run.Async(Optimized, """{"name":"ada"}""", Options());

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        var output = result.Output!.AsObject();
        Assert.Equal("hello ada", output["Payload"]!["greeting"]!.GetValue<string>());
        Assert.Equal(200, output["StatusCode"]!.GetValue<int>());
        Assert.Equal("$LATEST", output["ExecutedVersion"]!.GetValue<string>());
        Assert.Equal(200, output["SdkHttpMetadata"]!["HttpStatusCode"]!.GetValue<int>());
        Assert.True(_lambda.Requests.TryDequeue(out var request));
        Assert.Equal("Greeter", request.Function);
        Assert.Equal("""{"who":"ada"}""", request.Body);
        Assert.Equal("RequestResponse", request.InvocationType);
    }

    [Fact]
    public async Task PlainFunctionArn_WhenFunctionReturns_ShouldOutputPayloadItself()
    {
        _lambda.Function("Adder", input => Results.Json(new { sum = input!["a"]!.GetValue<int>() + input["b"]!.GetValue<int>() }));
        const string definition = """
            {"StartAt":"Add","States":{"Add":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:Adder:live","ResultPath":"$.result","End":true}}}
            """;

        var (result, events) = await Run.Async(definition, """{"a":2,"b":3}""", Options());

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal(5, result.Output!["result"]!["sum"]!.GetValue<int>());
        Assert.True(_lambda.Requests.TryDequeue(out var request));
        Assert.Equal(("Adder", "live"), (request.Function, request.Qualifier));
        Assert.Equal(
            ["ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded"],
            events.Select(e => e.Type));
        var scheduled = events.Single(e => e.Type == "LambdaFunctionScheduled");
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:Adder:live", scheduled.Details!["resource"]!.GetValue<string>());
    }

    [Fact]
    public async Task LambdaInvoke_WhenFunctionErrorHeaderIsSet_ShouldFailWithErrorTypeAndCatchIt()
    {
        _lambda.Function("Deployer", _ => LambdaInvokeEndpoint.FunctionError("HealthCheckFailed", "target 10.0.0.7 unhealthy"));
        const string definition = """
            {"StartAt":"Deploy","States":{
              "Deploy":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"Deployer","Payload.$":"$"},
                "Catch":[{"ErrorEquals":["HealthCheckFailed"],"ResultPath":"$.error","Next":"Rollback"}],"End":true},
              "Rollback":{"Type":"Pass","End":true}}}
            """;

        var (result, events) = await Run.Async(definition, """{"service":"orders"}""", Options());

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal("HealthCheckFailed", result.Output!["error"]!["Error"]!.GetValue<string>());
        var cause = JsonNode.Parse(result.Output!["error"]!["Cause"]!.GetValue<string>())!;
        Assert.Equal("target 10.0.0.7 unhealthy", cause["errorMessage"]!.GetValue<string>());
        var failed = events.Single(e => e.Type == "TaskFailed");
        Assert.Equal("lambda", failed.Details!["resourceType"]!.GetValue<string>());
        Assert.Equal("invoke", failed.Details!["resource"]!.GetValue<string>());
        Assert.Equal("HealthCheckFailed", failed.Details!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task LambdaInvoke_WhenFunctionFailsThenSucceeds_ShouldRetryOnTheErrorType()
    {
        var calls = 0;
        _lambda.Function("Flaky", _ => Interlocked.Increment(ref calls) == 1
            ? LambdaInvokeEndpoint.FunctionError("Lambda.TooManyRequestsException", "slow down")
            : Results.Json(new { ok = true }));
        const string definition = """
            {"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
              "Parameters":{"FunctionName":"Flaky"},"OutputPath":"$.Payload",
              "Retry":[{"ErrorEquals":["Lambda.TooManyRequestsException"],"IntervalSeconds":2,"MaxAttempts":2}],"End":true}}}
            """;

        var (result, events) = await Run.Async(definition, "{}", Options());

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.True(result.Output!["ok"]!.GetValue<bool>());
        Assert.Equal(2, events.Count(e => e.Type == "TaskScheduled"));
    }

    [Fact]
    public async Task LambdaInvoke_WhenFunctionDoesNotExist_ShouldFailWithLambdaResourceNotFound()
    {
        var (result, _) = await Run.Async(Optimized.Replace("Greeter", "Missing", StringComparison.Ordinal), """{"name":"x"}""", Options());

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("Lambda.ResourceNotFoundException", result.Error);
        Assert.Contains("Function not found: Missing", result.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LambdaInvoke_WhenServiceIsUnreachable_ShouldFailWithSdkClientException()
    {
        using var unreachable = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9/") };
        var lambda = new LambdaInvokeIntegration(unreachable);
        var options = new EngineOptions { Integrations = new TaskIntegrationRegistry().Register(LambdaInvokeIntegration.OptimizedResource, lambda) };

        var (result, _) = await Run.Async(Optimized, """{"name":"x"}""", options);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("Lambda.SdkClientException", result.Error);
    }

    [Fact]
    public async Task LambdaInvoke_WhenParametersLackFunctionName_ShouldFailNamingTheField()
    {
        const string definition = """{"StartAt":"C","States":{"C":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"Payload":{}},"End":true}}}""";

        var (result, _) = await Run.Async(definition, "{}", Options());

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Contains("FunctionName", result.Cause, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Greeter", "Greeter", null)]
    [InlineData("Greeter:prod", "Greeter", "prod")]
    [InlineData("123456789012:function:Greeter", "Greeter", null)]
    [InlineData("arn:aws:lambda:eu-west-1:123456789012:function:Greeter:7", "Greeter", "7")]
    public void FunctionName_WhenGivenAnyAcceptedForm_ShouldExtractNameAndQualifier(string reference, string name, string? qualifier) =>
        Assert.Equal((name, qualifier), LambdaInvokeIntegration.FunctionName(reference));
}
