using System.Net.Http.Headers;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.S3;
using Pipeline.Aws.Registry;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// Reads a running stack from the outside, through the endpoints its stack.json names: the Step
/// Functions API, the registry table, the fleet, HAProxy's front port and the routes bucket.
/// </summary>
internal sealed class StackProbe : IDisposable
{
    public const string DeployMachine = "DeployServiceStateMachine";

    private readonly RunningStack _stack;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly AmazonDynamoDBClient _dynamo;
    private readonly AmazonS3Client _s3;

    public StackProbe(RunningStack stack)
    {
        _stack = stack;
        var credentials = new BasicAWSCredentials("S3RVER", "S3RVER");
        _dynamo = new AmazonDynamoDBClient(credentials, new AmazonDynamoDBConfig
        {
            ServiceURL = stack.Endpoint("dynamodb").ToString(),
            AuthenticationRegion = "us-east-1",
        });
        _s3 = new AmazonS3Client(credentials, new AmazonS3Config
        {
            ServiceURL = stack.Endpoint("s3").ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
        });
        Registry = new DynamoDbRegistry(_dynamo, stack.Stack["registryTable"]!.GetValue<string>());
    }

    public DynamoDbRegistry Registry { get; }

    public Uri Front(string path) => new(_stack.Endpoint("front"), path);

    /// <summary>One Step Functions API call (AWS JSON 1.0), as the AWS CLI sends it.</summary>
    public async Task<JsonObject> StepFunctionsAsync(string operation, JsonObject request)
    {
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.0");
        using var message = new HttpRequestMessage(HttpMethod.Post, _stack.Endpoint("stepfunctions")) { Content = content };
        message.Headers.Add("X-Amz-Target", "AWSStepFunctions." + operation);
        using var response = await _http.SendAsync(message);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{operation}: HTTP {(int)response.StatusCode}: {body}");
        return (JsonObject)JsonNode.Parse(body)!;
    }

    public async Task<HashSet<string>> ExecutionArnsAsync()
    {
        var machines = (await StepFunctionsAsync("ListStateMachines", []))["stateMachines"]!.AsArray();
        var machine = machines.Single(m => (string?)m!["name"] == DeployMachine)!["stateMachineArn"]!.GetValue<string>();
        var executions = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var request = new JsonObject { ["stateMachineArn"] = machine };
            if (token is not null)
            {
                request["nextToken"] = token;
            }

            var page = await StepFunctionsAsync("ListExecutions", request);
            executions.UnionWith(page["executions"]!.AsArray().Select(e => e!["executionArn"]!.GetValue<string>()));
            token = (string?)page["nextToken"];
        }
        while (token is not null);

        return executions;
    }

    /// <summary>The one execution of the deploy machine that is not in <paramref name="before"/>, once it started.</summary>
    public async Task<string> NewExecutionAsync(IReadOnlySet<string> before, TimeSpan timeout)
    {
        var started = await PollAsync(
            async () => (await ExecutionArnsAsync()).Except(before).ToList(), found => found.Count > 0, timeout, "a new deploy execution");
        return Assert.Single(started);
    }

    /// <summary>
    /// <c>./pipeline push SERVICE</c> with <paramref name="arguments"/>: the run it starts must succeed within
    /// <paramref name="runLimit"/> (<see cref="Limits.Run"/> by default) and HAProxy serve the label that went
    /// live on /SERVICE/version. Returns the execution and that label.
    /// </summary>
    public async Task<(string Execution, string Live)> PushToLiveAsync(string service, IReadOnlyList<string> arguments, TimeSpan? runLimit = null)
    {
        var before = await ExecutionArnsAsync();
        var (exit, printed) = await PipelineCli.RunAsync(TimeSpan.FromMinutes(5), ["push", service, .. arguments, "--state-dir", _stack.StateDirectory]);
        Assert.True(exit == 0, printed);
        var execution = await NewExecutionAsync(before, Limits.RunStart);
        var end = await EndOfAsync(execution, runLimit ?? Limits.Run);
        Assert.True((string?)end["status"] == "SUCCEEDED", end.ToJsonString());
        var live = (await Registry.GetServiceAsync(service))?.LiveLabel;
        Assert.NotNull(live);
        Assert.Equal(live, await VersionThroughFrontAsync($"/{service}/version"));
        return (execution, live);
    }

    /// <summary>Commits an edit of <paramref name="file"/> in <paramref name="checkout"/>, pushes it, and returns the commit and the end of the run it started.</summary>
    public async Task<(string Commit, JsonObject End)> PushAndRunAsync(ServiceCheckout checkout, string file, Func<string, string> edit, string message)
    {
        ArgumentNullException.ThrowIfNull(checkout);
        var before = await ExecutionArnsAsync();
        var commit = await checkout.CommitAndPushAsync(file, edit, message);
        return (commit, await EndOfNewRunAsync(before));
    }

    /// <summary>A new edition of the orders example (its greeting gets <paramref name="edition"/>), pushed; the end of the run it started.</summary>
    public async Task<JsonObject> RedeployOrdersAsync(ServiceCheckout checkout, string edition) =>
        (await PushAndRunAsync(checkout, "server.js",
            js => js.Replace("orders at your service", "orders at your service, " + edition, StringComparison.Ordinal),
            "orders: " + edition)).End;

    /// <summary>The end of the execution a push started after <paramref name="before"/> was read, within <see cref="Limits"/>.</summary>
    public async Task<JsonObject> EndOfNewRunAsync(IReadOnlySet<string> before) =>
        await EndOfAsync(await NewExecutionAsync(before, Limits.RunStart), Limits.Run);

    /// <summary>DescribeExecution once the execution is no longer RUNNING.</summary>
    public Task<JsonObject> EndOfAsync(string executionArn, TimeSpan timeout) =>
        PollAsync(
            () => StepFunctionsAsync("DescribeExecution", new JsonObject { ["executionArn"] = executionArn }),
            e => (string?)e["status"] != "RUNNING", timeout, $"the end of {executionArn}");

    public async Task<IReadOnlyList<JsonObject>> HistoryAsync(string executionArn)
    {
        var events = new List<JsonObject>();
        string? token = null;
        do
        {
            var request = new JsonObject { ["executionArn"] = executionArn };
            if (token is not null)
            {
                request["nextToken"] = token;
            }

            var page = await StepFunctionsAsync("GetExecutionHistory", request);
            events.AddRange(page["events"]!.AsArray().OfType<JsonObject>());
            token = (string?)page["nextToken"];
        }
        while (token is not null);

        return events;
    }

    /// <summary>An execution's status and its history, one event a line (id, seconds from the start, type, state), for a failure's message.</summary>
    public async Task<string> HistorySummaryAsync(string executionArn)
    {
        var described = await StepFunctionsAsync("DescribeExecution", new JsonObject { ["executionArn"] = executionArn });
        var events = await HistoryAsync(executionArn);
        var start = events.Count > 0 ? (double)events[0]["timestamp"]! : 0;
        return $"status {(string?)described["status"]}, {events.Count} event(s)\n" + string.Join('\n', events.Select(e =>
            $"  {(long)e["id"]!,4} +{(double)e["timestamp"]! - start,7:0.000} s {(string?)e["type"]} {(string?)e["stateEnteredEventDetails"]?["name"] ?? (string?)e["stateExitedEventDetails"]?["name"]}"));
    }

    /// <summary>The states an execution entered, in order.</summary>
    public async Task<IReadOnlyList<string>> StatesEnteredAsync(string executionArn) => StatesEntered(await HistoryAsync(executionArn));

    /// <summary>The states a history shows entered, in order.</summary>
    public static IReadOnlyList<string> StatesEntered(IEnumerable<JsonObject> history) =>
        [.. history
            .Where(e => ((string?)e["type"])?.EndsWith("StateEntered", StringComparison.Ordinal) == true)
            .Select(e => e["stateEnteredEventDetails"]!["name"]!.GetValue<string>())];

    /// <summary>A table's status in the stack's DynamoDB (ACTIVE once usable).</summary>
    public async Task<string> TableStatusAsync(string table) => (await _dynamo.DescribeTableAsync(table)).Table.TableStatus.Value;

    /// <summary>The fleet's instances of one service: version, state, ...</summary>
    public async Task<IReadOnlyList<JsonObject>> InstancesAsync(string service) =>
        [.. JsonNode.Parse(await _http.GetStringAsync(new Uri(_stack.Endpoint("fleet") + "?service=" + service)))!["instances"]!
            .AsArray().OfType<JsonObject>()];

    /// <summary>The label HAProxy's answer on <paramref name="path"/> names.</summary>
    public async Task<string?> VersionThroughFrontAsync(string path) =>
        (string?)JsonNode.Parse(await _http.GetStringAsync(Front(path)))!["version"];

    /// <summary>The routes pointer (version, key) and the HAProxy config it points at.</summary>
    public async Task<(long Version, string Config)> PublishedRoutesAsync()
    {
        var bucket = await RoutesBucketAsync();
        var pointer = JsonNode.Parse(await ReadAsync(bucket, "routes/haproxy/current.json"))!;
        return ((long)pointer["version"]!, await ReadAsync(bucket, (string)pointer["key"]!));
    }

    /// <summary>The routes version the stack's router last applied (its status report).</summary>
    public async Task<long> AppliedRoutesVersionAsync() =>
        (long)JsonNode.Parse(await ReadAsync(await RoutesBucketAsync(), "routes/status/local.json"))!["appliedVersion"]!;

    /// <summary>Waits until the router applied the routes version the pointer names.</summary>
    public async Task WaitForRouterAsync(TimeSpan timeout)
    {
        var (published, _) = await PublishedRoutesAsync();
        await PollAsync(AppliedRoutesVersionAsync, applied => applied >= published, timeout, $"the router to apply routes version {published}");
    }

    /// <summary>Polls until <paramref name="done"/> holds; fails naming what it waited for, with the stack's output, if the stack dies or time runs out.</summary>
    public async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (_stack.HasExited || DateTime.UtcNow > deadline)
            {
                Assert.Fail($"waited {timeout} for {what}{(_stack.HasExited ? " but the stack exited" : "")}:\n{_stack.Output}");
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private async Task<string> RoutesBucketAsync() =>
        (await _s3.ListBucketsAsync()).Buckets.Single(b => b.BucketName.Contains("routes", StringComparison.OrdinalIgnoreCase)).BucketName;

    private async Task<string> ReadAsync(string bucket, string key)
    {
        using var response = await _s3.GetObjectAsync(bucket, key);
        using var reader = new StreamReader(response.ResponseStream);
        return await reader.ReadToEndAsync();
    }

    public void Dispose()
    {
        _http.Dispose();
        _dynamo.Dispose();
        _s3.Dispose();
    }
}
