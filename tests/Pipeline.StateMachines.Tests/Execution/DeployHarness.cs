using System.Text.RegularExpressions;
using Pipeline.Aws.Registry;
using Pipeline.Local.Aws.ELBv2;
using Pipeline.Local.Aws.Lambda;
using Pipeline.States.Definition;
using Pipeline.States.History;
using Pipeline.Tests.Shared;

namespace Pipeline.StateMachines.Tests.Execution;

/// <summary>
/// The deploy-service definition from statemachines/, run by Pipeline.States with its placeholders
/// filled as template.yaml would fill them: the functions that exist are the published programs,
/// run as processes by the local Lambda service against dynalite and s3rver, ELBv2 is the local
/// service (<see cref="FaultyElb"/>); CodeBuild and the functions not built yet are the doubles of this folder.
/// </summary>
#pragma warning disable CA1001 // xunit disposes collection fixtures through IAsyncLifetime.DisposeAsync.
public sealed partial class DeployHarness : IAsyncLifetime
#pragma warning restore CA1001
{
    /// <summary>The real functions: template logical id of each, by the placeholder naming its ARN.</summary>
    private static readonly string[] RealFunctions =
    [
        "NormalizeTriggerFunction", "DeployLockFunction", "RecordVersionFunction", "ResolveVersionFunction",
        "ProvisionTablesFunction", "RoutesConvergedFunction",
    ];

    private readonly EmulatorFixture _emulators;
    private readonly bool _ownsEmulators;
    private readonly bool _ownsElb;
    private readonly Dictionary<string, RecordingProxy[]> _recorders = new(StringComparer.Ordinal);
    private readonly DescribeExecutionDouble _executions = new();
    private LocalLambdaService? _lambda;
    private HttpClient? _http;
    private StateMachineDefinition? _definition;
    private string? _definitionText;

    /// <summary>One stack's harness, with emulators of its own.</summary>
    public DeployHarness()
        : this("pipeline", EmulatorFixture.UniqueName("svc"), null, null)
    {
    }

    /// <summary>A harness for the stack <paramref name="stackName"/>, over emulators and an ELB another stack may share.</summary>
    internal DeployHarness(string stackName, string tablePrefix, EmulatorFixture? sharedEmulators, FaultyElb? sharedElb)
    {
        StackName = stackName;
        TablePrefix = tablePrefix;
        _emulators = sharedEmulators ?? new EmulatorFixture();
        _ownsEmulators = sharedEmulators is null;
        _ownsElb = sharedElb is null;
        Elb = sharedElb ?? new FaultyElb();
    }

    /// <summary>AWS::StackName for this harness's functions and definition.</summary>
    public string StackName { get; }

    public DynamoDbRegistry Registry { get; private set; } = null!;

    public EmulatorFixture Emulators => _emulators;

    /// <summary>What the function processes wrote, for failure messages.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> FunctionLog { get; } = new();

    public string ArtifactBucket { get; private set; } = "";

    public string TablePrefix { get; }

    internal CodeBuildDouble Build { get; private set; } = null!;

    internal FaultyElb Elb { get; }

    internal FleetDoubles Fleet { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (_ownsEmulators)
        {
            await _emulators.InitializeAsync();
        }

        var table = EmulatorFixture.UniqueName("registry");
        await DynamoDbRegistry.EnsureTableAsync(_emulators.DynamoDb, table);
        Registry = new DynamoDbRegistry(_emulators.DynamoDb, table);
        ArtifactBucket = await _emulators.CreateBucketAsync("artifacts");
        var routesBucket = await _emulators.CreateBucketAsync("routes");
        Build = new CodeBuildDouble(_emulators, ArtifactBucket);
        Fleet = new FleetDoubles(Registry, _emulators, routesBucket);

        await _executions.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL_SFN"] = _executions.Endpoint.ToString(),
            ["AWS_ENDPOINT_URL_DYNAMODB"] = _emulators.DynamoDbEndpoint.ToString(),
            ["AWS_ENDPOINT_URL_S3"] = _emulators.S3Endpoint.ToString(),
            ["AWS_ACCESS_KEY_ID"] = "S3RVER",
            ["AWS_SECRET_ACCESS_KEY"] = "S3RVER",
            ["AWS_REGION"] = "us-east-1",
            ["PIPELINE_REGISTRY_TABLE"] = table,
            ["PIPELINE_ARTIFACT_BUCKET"] = ArtifactBucket,
            ["PIPELINE_ROUTES_BUCKET"] = routesBucket,
            ["PIPELINE_TABLE_PREFIX"] = TablePrefix,
            ["PIPELINE_DEPLOY_BRANCH"] = "main",
            ["PIPELINE_STACK_NAME"] = StackName,
            ["PIPELINE_MIN_ROUTERS"] = "1",
            // The fake router (FleetDoubles) reports once per publication instead of every 2 s poll,
            // and a function's cold start on a loaded machine can outlast three polls: widen the window.
            ["PIPELINE_ROUTER_MISSED_POLLS"] = "100",
        };
        var functions = new List<FunctionDefinition>();
        foreach (var logicalId in RealFunctions)
        {
            var published = await FunctionBinaries.PublishedAsync(logicalId, AppContext.BaseDirectory);
            var merged = new Dictionary<string, string>(published.Environment);
            foreach (var (key, value) in environment)
            {
                merged[key] = value;
            }

            // Each function reaches the emulators through its own recording proxies, so the calls it
            // really makes are known per function (LeastPrivilegeTests).
            var dynamo = RecordingProxy.Start("dynamodb", _emulators.DynamoDbEndpoint);
            var s3 = RecordingProxy.Start("s3", _emulators.S3Endpoint);
            _recorders[logicalId] = [dynamo, s3];
            merged["AWS_ENDPOINT_URL_DYNAMODB"] = dynamo.Endpoint.ToString();
            merged["AWS_ENDPOINT_URL_S3"] = s3.Endpoint.ToString();
            functions.Add(published with { Environment = merged, Timeout = TimeSpan.FromSeconds(60) });
        }

        _lambda = new LocalLambdaService(functions, new LocalLambdaOptions { Log = (function, line) => FunctionLog.Enqueue($"{function}: {line}") });
        await _lambda.StartAsync();
        _http = new HttpClient { BaseAddress = _lambda.Endpoint, Timeout = TimeSpan.FromMinutes(2) };
        _definitionText = Substitute(Definitions.Text("deploy-service.asl.json"));
        _definition = DefinitionParser.Parse(_definitionText);
    }

    /// <summary>The functions run as real processes, by template logical id.</summary>
    public static IReadOnlyList<string> RealFunctionIds => RealFunctions;

    /// <summary>The proxy between a real function and the emulator of <paramref name="service"/> (dynamodb or s3), to inject faults.</summary>
    public RecordingProxy ProxyOf(string logicalId, string service) =>
        _recorders[logicalId][service switch { "dynamodb" => 0, "s3" => 1, _ => throw new ArgumentOutOfRangeException(nameof(service)) }];

    /// <summary>The IAM actions a real function's calls to DynamoDB and S3 needed so far.</summary>
    public IReadOnlySet<string> RecordedActions(string logicalId) =>
        _recorders[logicalId].SelectMany(r => r.Actions.Keys).ToHashSet(StringComparer.Ordinal);

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_lambda is not null)
        {
            await _lambda.DisposeAsync();
        }

        foreach (var proxy in _recorders.Values.SelectMany(p => p))
        {
            await proxy.DisposeAsync();
        }

        await _executions.DisposeAsync();
        if (_ownsElb)
        {
            await Elb.DisposeAsync();
        }

        if (Fleet is not null)
        {
            await Fleet.DisposeAsync();
        }

        if (_ownsEmulators)
        {
            await _emulators.DisposeAsync();
        }
    }

    /// <summary>Tells DescribeExecution how an execution (one this harness did not run) ended.</summary>
    public void SetExecutionStatus(string executionArn, string status) => _executions.Set(executionArn, status);

    /// <summary>Runs one execution to its end; waits and retries are scaled down (a hundredfold by default).</summary>
    /// <param name="edit">Changes a copy of the definition for this run only, e.g. to take out a state AWS needs.</param>
    public async Task<DeployRun> RunAsync(string input, string? name = null, double waitTimeScale = 0.01, Action<JsonObject>? edit = null)
    {
        var definition = _definition!;
        if (edit is not null)
        {
            var copy = JsonNode.Parse(_definitionText!)!.AsObject();
            edit(copy);
            definition = DefinitionParser.Parse(copy.ToJsonString());
        }

        var topLevel = JsonNode.Parse(_definitionText!)!["States"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var integrations = new TaskIntegrationRegistry()
            .Register(LambdaInvokeIntegration.OptimizedResource,
                new FunctionRouter(new LambdaInvokeIntegration(_http!), Fleet.Functions))
            .Register("arn:aws:states:::codebuild:startBuild.sync", new DelegateIntegration(Build.StartBuildAsync))
            .Register(TargetGroupsIntegration.Pattern, Elb);
        var engine = new StatesEngine(new EngineOptions { Integrations = integrations, WaitTimeScale = waitTimeScale });
        var history = new InMemoryHistory();
        var execution = name ?? "deploy-" + Guid.NewGuid().ToString("N")[..12];
        var identity = ExecutionIdentity.Local("deploy-service", execution, DateTimeOffset.UtcNow);
        _executions.Set(identity.ExecutionArn, "RUNNING");
        var result = await engine.RunAsync(definition, JsonNode.Parse(input), identity, history);
        _executions.Set(identity.ExecutionArn, result.Status switch
        {
            ExecutionStatus.Succeeded => "SUCCEEDED",
            ExecutionStatus.Failed => "FAILED",
            ExecutionStatus.TimedOut => "TIMED_OUT",
            _ => "ABORTED",
        });
        var entered = history.Events
            .Where(e => e.Type.EndsWith("StateEntered", StringComparison.Ordinal))
            .Select(e => (string)e.Details!["name"]!)
            .Where(topLevel.Contains) // the states inside a Map's iterations are not steps of the deploy
            .ToList();
        return new DeployRun(execution, result, entered);
    }

    private string Substitute(string text) => Placeholder().Replace(text, m => m.Groups[1].Value switch
    {
        var arn when arn.EndsWith("FunctionArn", StringComparison.Ordinal) && RealFunctions.Contains(arn[..^"Arn".Length]) =>
            _lambda!.ArnOf(arn[..^"Arn".Length]),
        var arn when arn.EndsWith("FunctionArn", StringComparison.Ordinal) =>
            $"arn:aws:lambda:us-east-1:123456789012:function:pipeline-{arn[..^"FunctionArn".Length]}",
        "BuildProjectName" => "pipeline-build",
        "ArtifactBucketName" => ArtifactBucket,
        "VpcId" => "vpc-0a1b2c3d4e5f60718",
        "HealthCheckListenerArn" => FaultyElb.ListenerArn,
        "StackName" => StackName,
        "CodeCommitCloneUrlPrefix" => "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/",
        var other => throw new InvalidOperationException($"no local value for ${{{other}}}"),
    });

    [GeneratedRegex(@"\$\{([A-Za-z0-9]+)\}")]
    private static partial Regex Placeholder();
}

/// <summary>How one execution ended and the states it went through, in order.</summary>
public sealed record DeployRun(string Name, ExecutionResult Result, IReadOnlyList<string> States);
