namespace Pipeline.Local.Aws.Tests.StepFunctions;

/// <summary>The Step Functions API over real HTTP, with requests shaped as the AWS API reference documents them.</summary>
public sealed class StepFunctionsApiTests : IAsyncLifetime, IDisposable
{
    private readonly string _journal = Directory.CreateTempSubdirectory("sfn-api-").FullName;
    private readonly HttpClient _http = new();
    private StepFunctionsService _service = null!;
    private LoopbackServer _app = null!;

    private const string Counter = """
        {"StartAt":"Add","States":{"Add":{"Type":"Pass","Parameters":{"n.$":"States.MathAdd($.n, 1)"},"Next":"Check"},
          "Check":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":10,"Next":"TooBig"}],"Default":"Done"},
          "TooBig":{"Type":"Fail","Error":"Counter.TooBig","Cause":"n went over 10"},
          "Done":{"Type":"Succeed"}}}
        """;

    public async Task InitializeAsync()
    {
        _service = new StepFunctionsService(new StatesEngine(new EngineOptions { WaitTimeScale = 1 }), new ExecutionJournal(_journal));
        _app = await LoopbackServer.StartAsync(app => app.MapStepFunctionsApi(_service));
        _http.BaseAddress = _app.BaseAddress;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _service.DisposeAsync();
        Directory.Delete(_journal, recursive: true);
    }

    public void Dispose() => _http.Dispose();

    private async Task<(HttpStatusCode Status, JsonObject Body)> CallAsync(string operation, JsonObject request)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/x-amz-json-1.0"),
        };
        message.Headers.Add("X-Amz-Target", "AWSStepFunctions." + operation);
        using var response = await _http.SendAsync(message);
        Assert.Equal("application/x-amz-json-1.0", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private async Task<string> CreateAsync(string name, string definition)
    {
        var (status, body) = await CallAsync("CreateStateMachine", new JsonObject
        {
            ["name"] = name,
            ["definition"] = definition,
            ["roleArn"] = "arn:aws:iam::123456789012:role/service-role/StepFunctions-Deploy",
        });
        Assert.Equal(HttpStatusCode.OK, status);
        return body["stateMachineArn"]!.GetValue<string>();
    }

    private async Task<JsonObject> DescribeWhenDoneAsync(string executionArn)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var (_, body) = await CallAsync("DescribeExecution", new JsonObject { ["executionArn"] = executionArn });
            if (body["status"]!.GetValue<string>() != "RUNNING")
            {
                return body;
            }
            Assert.True(DateTime.UtcNow < deadline, "execution did not finish");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task StartExecution_WhenStateMachineSucceeds_ShouldDescribeOutputAndHistory()
    {
        var machineArn = await CreateAsync("Counter", Counter);

        var (status, started) = await CallAsync("StartExecution", new JsonObject
        {
            ["stateMachineArn"] = machineArn,
            ["name"] = "first",
            ["input"] = """{"n": 1}""",
        });

        Assert.Equal(HttpStatusCode.OK, status);
        var executionArn = started["executionArn"]!.GetValue<string>();
        Assert.Equal("arn:aws:states:us-east-1:123456789012:execution:Counter:first", executionArn);
        Assert.True(started["startDate"]!.GetValue<double>() > 1.7e9);
        var described = await DescribeWhenDoneAsync(executionArn);
        Assert.Equal("SUCCEEDED", described["status"]!.GetValue<string>());
        Assert.Equal("""{"n":2}""", described["output"]!.GetValue<string>());
        Assert.Equal(machineArn, described["stateMachineArn"]!.GetValue<string>());

        var (_, history) = await CallAsync("GetExecutionHistory", new JsonObject { ["executionArn"] = executionArn, ["maxResults"] = 3 });
        var page = history["events"]!.AsArray();
        Assert.Equal(3, page.Count);
        Assert.Equal("ExecutionStarted", page[0]!["type"]!.GetValue<string>());
        Assert.Equal("PassStateEntered", page[1]!["type"]!.GetValue<string>());
        Assert.Equal("Add", page[1]!["stateEnteredEventDetails"]!["name"]!.GetValue<string>());
        var (_, rest) = await CallAsync("GetExecutionHistory", new JsonObject { ["executionArn"] = executionArn, ["nextToken"] = history["nextToken"]!.DeepClone() });
        Assert.Equal("ExecutionSucceeded", rest["events"]!.AsArray()[^1]!["type"]!.GetValue<string>());
        Assert.Null(rest["nextToken"]);
    }

    [Fact]
    public async Task StartExecution_WhenFailStateIsReached_ShouldDescribeErrorAndCause()
    {
        var machineArn = await CreateAsync("Counter", Counter);
        var (_, started) = await CallAsync("StartExecution", new JsonObject { ["stateMachineArn"] = machineArn, ["input"] = """{"n": 10}""" });

        var described = await DescribeWhenDoneAsync(started["executionArn"]!.GetValue<string>());

        Assert.Equal("FAILED", described["status"]!.GetValue<string>());
        Assert.Equal("Counter.TooBig", described["error"]!.GetValue<string>());
        Assert.Equal("n went over 10", described["cause"]!.GetValue<string>());
        Assert.Null(described["output"]);
    }

    [Fact]
    public async Task ListOperations_WhenMachinesAndExecutionsExist_ShouldListThemWithStatusFilter()
    {
        var machineArn = await CreateAsync("Counter", Counter);
        await CreateAsync("Other", """{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}""");
        foreach (var (name, n) in new[] { ("ok", 1), ("bad", 50) })
        {
            var (_, started) = await CallAsync("StartExecution", new JsonObject { ["stateMachineArn"] = machineArn, ["name"] = name, ["input"] = $$"""{"n":{{n}}}""" });
            await DescribeWhenDoneAsync(started["executionArn"]!.GetValue<string>());
        }

        var (_, machines) = await CallAsync("ListStateMachines", new JsonObject());
        var (_, all) = await CallAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = machineArn });
        var (_, failed) = await CallAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = machineArn, ["statusFilter"] = "FAILED" });

        Assert.Equal(["Counter", "Other"], machines["stateMachines"]!.AsArray().Select(m => m!["name"]!.GetValue<string>()));
        Assert.Equal(2, all["executions"]!.AsArray().Count);
        var only = Assert.Single(failed["executions"]!.AsArray());
        Assert.Equal("bad", only!["name"]!.GetValue<string>());
        Assert.Equal("FAILED", only["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task StopExecution_WhenRunning_ShouldAbortIt()
    {
        var machineArn = await CreateAsync("Sleeper", """{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}""");
        var (_, started) = await CallAsync("StartExecution", new JsonObject { ["stateMachineArn"] = machineArn });
        var executionArn = started["executionArn"]!.GetValue<string>();

        var (status, stopped) = await CallAsync("StopExecution", new JsonObject { ["executionArn"] = executionArn, ["error"] = "Manual", ["cause"] = "operator" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(stopped["stopDate"]!.GetValue<double>() > 1.7e9);
        var described = await DescribeWhenDoneAsync(executionArn);
        Assert.Equal("ABORTED", described["status"]!.GetValue<string>());
        Assert.Equal("Manual", described["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task DescribeExecution_WhenUnknown_ShouldAnswerExecutionDoesNotExist()
    {
        var (status, body) = await CallAsync("DescribeExecution", new JsonObject { ["executionArn"] = "arn:aws:states:us-east-1:123456789012:execution:Nope:x" });

        AssertRefused(status, body, "ExecutionDoesNotExist");
    }

    [Fact]
    public async Task CreateStateMachine_WhenDefinitionIsInvalid_ShouldAnswerInvalidDefinitionNamingTheField()
    {
        var (status, body) = await CallAsync("CreateStateMachine", new JsonObject
        {
            ["name"] = "Broken",
            ["definition"] = """{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Missing"}}}""",
            ["roleArn"] = "arn:aws:iam::123456789012:role/x",
        });

        AssertRefused(status, body, "InvalidDefinition");
        Assert.Contains("/States/A/Next", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartExecution_WhenRequiredFieldIsMissing_ShouldAnswerValidationException()
    {
        var (status, body) = await CallAsync("StartExecution", new JsonObject { ["input"] = "{}" });

        AssertRefused(status, body, "ValidationException");
        Assert.Contains("stateMachineArn", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private async Task<string> StartedAsync()
    {
        var machineArn = await CreateAsync("Typed", Counter);
        var (_, started) = await CallAsync("StartExecution", new JsonObject { ["stateMachineArn"] = machineArn, ["input"] = """{"n": 1}""" });
        return started["executionArn"]!.GetValue<string>();
    }

    [Theory]
    [InlineData("maxResults", "\"10\"", "SerializationException", "STRING_VALUE can not be converted to an Integer: 'maxResults' is \"10\"")]
    [InlineData("maxResults", "1.5", "SerializationException", "NUMBER_VALUE can not be converted to an Integer: 'maxResults' is 1.5")]
    [InlineData("maxResults", "1001", "ValidationException", "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000")]
    [InlineData("maxResults", "-1", "ValidationException", "1 validation error detected: Value '-1' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 0")]
    [InlineData("reverseOrder", "\"yes\"", "SerializationException", "STRING_VALUE can not be converted to a Boolean: 'reverseOrder' is \"yes\"")]
    [InlineData("reverseOrder", "1", "SerializationException", "NUMBER_VALUE can not be converted to a Boolean: 'reverseOrder' is 1")]
    [InlineData("nextToken", "3", "SerializationException", "NUMBER_VALUE can not be converted to a String: 'nextToken' is 3")]
    [InlineData("nextToken", "{}", "SerializationException", "Start of structure or map found where not expected: 'nextToken' must be a String")]
    [InlineData("includeExecutionData", "[true]", "SerializationException", "Start of list found where not expected: 'includeExecutionData' must be a Boolean")]
    public async Task GetExecutionHistory_WhenAMemberHasTheWrongTypeOrRange_ShouldAnswer400WithTheAwsErrorBody(string field, string json, string type, string message)
    {
        var executionArn = await StartedAsync();
        var request = new JsonObject { ["executionArn"] = executionArn, [field] = JsonNode.Parse(json) };

        var (status, body) = await CallAsync("GetExecutionHistory", request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(new JsonObject { ["__type"] = type, ["message"] = message }.ToJsonString(), body.ToJsonString());
    }

    [Fact]
    public async Task ListExecutions_WhenStatusFilterIsNotAStatus_ShouldAnswerValidationException()
    {
        var machineArn = await CreateAsync("Filtered", Counter);

        var (status, body) = await CallAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = machineArn, ["statusFilter"] = "DONE", ["maxResults"] = "5" });

        AssertRefused(status, body, "ValidationException");
        Assert.StartsWith("1 validation error detected: Value 'DONE' at 'statusFilter'", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartExecution_WhenInputIsAJsonObjectNotAString_ShouldRefuseItAndStartNothing()
    {
        var machineArn = await CreateAsync("ObjectInput", Counter);

        var (status, body) = await CallAsync("StartExecution", new JsonObject { ["stateMachineArn"] = machineArn, ["input"] = new JsonObject { ["n"] = 1 } });

        AssertRefused(status, body, "SerializationException");
        Assert.Equal("Start of structure or map found where not expected: 'input' must be a String", body["message"]!.GetValue<string>());
        var (_, listed) = await CallAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = machineArn });
        Assert.Empty(listed["executions"]!.AsArray());
    }

    [Fact]
    public async Task StartExecution_WhenInputIsOver256KiBOfUtf8_ShouldAnswerValidationExceptionAndStartNothing()
    {
        var machineArn = await CreateAsync("BigInput", Counter);
        // 87,382 three-byte characters: 87,390 characters in all, but 262,154 bytes in UTF-8.
        var input = "{\"s\":\"" + new string('\u20ac', 87_382) + "\"}";

        var (status, body) = await CallAsync("StartExecution", new JsonObject { ["stateMachineArn"] = machineArn, ["input"] = input });
        var (atLimit, _) = await CallAsync("StartExecution", new JsonObject { ["stateMachineArn"] = machineArn, ["input"] = "{\"s\":\"" + new string('x', 262_144 - 8) + "\"}" });

        AssertRefused(status, body, "ValidationException");
        Assert.Equal("1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144", body["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, atLimit);
        var (_, listed) = await CallAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = machineArn });
        Assert.Single(listed["executions"]!.AsArray());
    }

    [Fact]
    public async Task StartExecution_WhenInputIsNotJson_ShouldAnswerInvalidExecutionInput()
    {
        var machineArn = await CreateAsync("BadJson", Counter);

        var (status, body) = await CallAsync("StartExecution", new JsonObject { ["stateMachineArn"] = machineArn, ["input"] = "{n:" });

        AssertRefused(status, body, "InvalidExecutionInput");
    }

    [Fact]
    public async Task CreateStateMachine_WhenTypeIsExpress_ShouldSayOnlyStandardRunsLocally()
    {
        var (status, body) = await CallAsync("CreateStateMachine", new JsonObject
        {
            ["name"] = "Fast",
            ["definition"] = Counter,
            ["roleArn"] = "arn:aws:iam::123456789012:role/x",
            ["type"] = "EXPRESS",
        });

        AssertRefused(status, body, "StateMachineTypeNotSupported");
    }

    [Fact]
    public async Task UnknownTarget_WhenCalled_ShouldAnswerUnknownOperation()
    {
        var (status, body) = await CallAsync("SendTaskHeartbeat", new JsonObject { ["taskToken"] = "t" });

        AssertRefused(status, body, "UnknownOperationException");
    }

    /// <summary>A 400 answer with the AWS error type <paramref name="type"/>.</summary>
    private static void AssertRefused(HttpStatusCode status, JsonNode body, string type)
    {
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(type, body["__type"]!.GetValue<string>());
    }
}
