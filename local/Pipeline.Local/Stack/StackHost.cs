using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.S3;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Pipeline.Core.Configuration;
using Pipeline.Core.Routing;
using Pipeline.Core.Time;
using Pipeline.Local.Aws.CodeBuild;
using Pipeline.Local.Aws.EC2;
using Pipeline.Local.Aws.ELBv2;
using Pipeline.Local.Aws.Scheduler;
using Pipeline.Local.Aws.CloudFormation;
using Pipeline.Local.Aws.DynamoDB;
using Pipeline.Local.Aws.SSM;
using Pipeline.States.Definition;
using Pipeline.States.Integrations;
using Pipeline.States.Runtime;
using Pipeline.States.Service;

namespace Pipeline.Local.Stack;

/// <summary>What <c>pipeline up</c> was asked for.</summary>
internal sealed record UpOptions(string RepositoryRoot, string StateDirectory, int? Port, TextWriter Log)
{
    /// <summary>The template; relative paths in it (CodeUri, DefinitionUri) are taken from the repository root.</summary>
    public string TemplatePath { get; init; } = Path.Combine(RepositoryRoot, "template.yaml");

    /// <summary>
    /// The stack's name, as <c>sam deploy --stack-name</c> gives it: AWS::StackName in the template,
    /// hence the table prefix (unless TablePrefix is set), the target-group scope and the stack tag.
    /// </summary>
    public string StackName { get; init; } = "pipeline";

    /// <summary>Scales every Wait and Retry delay of the state machines (1 = as written).</summary>
    public double WaitTimeScale { get; init; } = 1.0;

    /// <summary>
    /// How many times faster than real time DynamoDB's clock runs: the schedules, the metering proxy
    /// (metered minutes, burst, decrease quota) and ScaleTables (1 = real time).
    /// </summary>
    public double TimeScale { get; init; } = 1.0;

    /// <summary>How many routers (haproxy under the router agent) run; more than one stand behind a front balancer.</summary>
    public int Routers { get; init; } = 1;
}

/// <summary>
/// The local stack, driven by template.yaml: emulators, the template's tables and buckets, the
/// local Lambda service with every function, the ASL engine with every state machine and its
/// integrations, the event bus with the template's rules, the git host, the scheduler, and the real
/// haproxy under the router agent. One instance per state directory; stopping it stops every child.
/// </summary>
internal sealed partial class StackHost : IAsyncDisposable
{
    public const int DefaultFrontPort = 8080;
    private const string LocalRegion = "us-east-1";
    private StackContext Context { get; }

    /// <summary>The region the local stack's clients sign for.</summary>
    internal static string Region => LocalRegion;

    private readonly UpOptions _options;
    private readonly StackLayout _layout;
    private readonly List<ChildProcess> _children = [];
    private readonly List<IAsyncDisposable> _disposables = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private readonly TaskCompletionSource<string> _crashed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider _clock;
    private WebApplication? _control;
    private int _controlPort;
    private string? _artifactBucket;
    private string? _composerDll;
    private Dictionary<string, string>? _instanceEnvironment;

    private StackHost(UpOptions options)
    {
        _options = options;
        Context = new StackContext(StackName: options.StackName, Region: LocalRegion, AccountId: "123456789012");
        _layout = new StackLayout(options.StateDirectory);
        _clock = options.TimeScale == 1 ? TimeProvider.System
            : new ScaledTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), options.TimeScale);
    }

    public StackLayout Layout => _layout;

    public JsonObject Endpoints { get; } = [];

    /// <summary>Completes with a message when a child of the stack died on its own.</summary>
    public Task<string> Crashed => _crashed.Task;

    /// <summary>Completes when <c>pipeline down</c> asked the stack to stop.</summary>
    public Task StopRequested => _stopRequested.Task;

    internal StepFunctionsService? StepFunctions { get; private set; }

    internal LocalProcessFleet? Fleet { get; private set; }

    internal SamTemplate? Template { get; private set; }

    /// <summary>The prefix of the services' tables, as the template tells its functions (the stack name unless TablePrefix is set).</summary>
    internal string TablePrefix => Template!.Functions
        .Select(f => f.Environment.GetValueOrDefault(SettingNames.TablePrefix))
        .FirstOrDefault(p => !string.IsNullOrEmpty(p)) ?? Template.Stack.StackName;

    internal IAmazonDynamoDB? Dynamo { get; private set; }

    internal IAmazonS3? S3 { get; private set; }

    internal LocalGitHost? Git { get; private set; }

    internal LocalLambdaService? Lambda { get; private set; }

    public static async Task<StackHost> StartAsync(UpOptions options, CancellationToken cancellationToken)
    {
        var host = new StackHost(options);
        try
        {
            await host.StartCoreAsync(cancellationToken);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>The stack, started in named steps; each one needs only what the ones before it set.</summary>
    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var frontPort = await CheckPrerequisitesAsync(cancellationToken);
        await StartIssuerAsync(cancellationToken);
        Template = LoadTemplate(frontPort);
        var agentDll = await PublishAsync(cancellationToken);
        var (dynamoPort, s3Port) = await StartEmulatorsAsync(cancellationToken);
        var names = await CreateResourcesAsync(frontPort, cancellationToken);
        await StartFunctionsAsync(dynamoPort, s3Port, names, cancellationToken);
        StartStepFunctions(names);
        await RestoreFleetAsync(cancellationToken);
        await StartControlAsync(cancellationToken);
        await StartFunctionUrlsAsync(cancellationToken);
        StartEventSources();
        await StartRouterAsync(agentDll, names, cancellationToken);
        await StartDashboardAsync(names, cancellationToken);
        ResumeExecutions();
        StackFile.Write(_layout, Environment.ProcessId, Endpoints, names.ArtifactBucket, names.RegistryTable, TablePrefix);
    }

    /// <summary>What the steps after <see cref="CreateResourcesAsync"/> share: the stack's own table and buckets, and the router.</summary>
    private sealed record StackNames(string RegistryTable, string ArtifactBucket, string RoutesBucket, RouterSettings Router);

    private async Task<int> CheckPrerequisitesAsync(CancellationToken cancellationToken)
    {
        _layout.Create();
        StackFile.EnsureNotRunning(_layout);
        await ReapOrphansAsync(cancellationToken);
        await Prerequisites.CheckAsync(_options.RepositoryRoot, cancellationToken);
        var frontPort = StackSettings.FrontPort(_layout, _options.Port);
        return FreePort.IsFree(frontPort) ? frontPort : throw new StackFailureException(
            $"port {frontPort} (the HAProxy front end) is already in use on 127.0.0.1: stop what listens there " +
            $"(`ss -ltnp 'sport = :{frontPort}'` shows it) or choose another with --port");
    }

    /// <summary>Publishes what is older than its sources: the template's functions and the router agent.</summary>
    private async Task<string> PublishAsync(CancellationToken cancellationToken)
    {
        await Publisher.EnsureFunctionsPublishedAsync(_options.RepositoryRoot, Template!, _options.Log, cancellationToken);
        _composerDll = await Publisher.EnsureComposerAsync(_options.RepositoryRoot, _options.Log, cancellationToken);
        return await Publisher.EnsureRouterAgentAsync(_options.RepositoryRoot, _options.Log, cancellationToken);
    }

    private async Task<(int DynamoPort, int S3Port)> StartEmulatorsAsync(CancellationToken cancellationToken)
    {
        Step("starting dynalite and s3rver");
        var (dynalite, dynalitePort) = await Emulators.StartDynaliteAsync(_options.RepositoryRoot, _layout.DynamoDbData, _layout.Log(EmulatorCommands.Dynalite), cancellationToken);
        Watch(dynalite);
        var (s3rver, s3Port) = await Emulators.StartS3rverAsync(_options.RepositoryRoot, _layout.S3Data, _layout.Log(EmulatorCommands.S3rver), cancellationToken);
        Watch(s3rver);

        // Every DynamoDB client of the stack (itself, the functions, the fleet) goes through the
        // metering proxy, which throttles provisioned tables as DynamoDB does and serves their metrics
        // as CloudWatch GetMetricData on the same endpoint. On-demand tables (the registry) never throttle.
        var metering = await MeteringProxy.StartAsync(new Uri($"http://127.0.0.1:{dynalitePort}"), new MeteringOptions(Clock: _clock), cancellationToken);
        _disposables.Add(metering);
        var dynamoPort = metering.Endpoint.Port;
        Endpoints["dynamodb"] = $"http://127.0.0.1:{dynamoPort}";
        Endpoints["cloudwatch"] = Endpoints["dynamodb"]!.ToString();
        Endpoints["dynalite"] = $"http://127.0.0.1:{dynalitePort}";
        Endpoints["s3"] = $"http://127.0.0.1:{s3Port}";
        (Dynamo, S3) = StackResources.Clients(dynamoPort, s3Port, Context.Region);
        return (dynamoPort, s3Port);
    }

    /// <summary>The template's tables and buckets, and the empty fleet's HAProxy config on a fresh state directory.</summary>
    private async Task<StackNames> CreateResourcesAsync(int frontPort, CancellationToken cancellationToken)
    {
        foreach (var created in await new StackResources(Dynamo!, S3!).CreateAsync(Template!, cancellationToken))
        {
            Step("created " + created);
        }

        var registryTable = Template!.Tables.FirstOrDefault(t => t.LogicalId == "RegistryTable")?.Name
            ?? throw new StackFailureException("template.yaml declares no RegistryTable: the pipeline's registry");
        var artifactBucket = Template.Buckets.FirstOrDefault(b => b.LogicalId == "ArtifactBucket")?.Name
            ?? throw new StackFailureException("template.yaml declares no ArtifactBucket: where builds put artifacts");
        var routesBucket = Template.Buckets.FirstOrDefault(b => b.LogicalId == "RoutesBucket")?.Name ?? artifactBucket;
        // The composer and its calls frontend take two adjacent free ports (the published config and
        // PIPELINE_ROUTER_COMPOSER_PORT name the first; the calls frontend is the next), never ports
        // derived from the front port, which other processes of this or another stack may hold.
        var composerPort = FreePort.NextPair();
        var names = new StackNames(registryTable, artifactBucket, routesBucket,
            new RouterSettings("127.0.0.1", frontPort, _layout.HaproxyAdminSocket, ComposerPort: composerPort, ComposerCallsPort: composerPort + 1));
        await PublishInitialRoutesAsync(registryTable, routesBucket, names.Router, cancellationToken);
        return names;
    }

    /// <summary>The local Lambda service with every function of the template, each given its template environment and the stack's endpoints.</summary>
    private async Task StartFunctionsAsync(int dynamoPort, int s3Port, StackNames names, CancellationToken cancellationToken)
    {
        Step("starting the local Lambda service");
        _controlPort = FreePort.Next();
        _artifactBucket = names.ArtifactBucket;
        _instanceEnvironment = new Dictionary<string, string>
        {
            [SettingNames.Region] = Context.Region,
            ["AWS_ACCESS_KEY_ID"] = LocalCredentials.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = LocalCredentials.SecretKey,
            [Pipeline.Aws.AwsClients.DynamoDbEndpointVariable] = Endpoints["dynamodb"]!.ToString(),
            [Pipeline.Aws.AwsClients.S3EndpointVariable] = Endpoints["s3"]!.ToString(),
            [SettingNames.TablePrefix] = TablePrefix,
        };
        var endpoints = new Dictionary<string, string>
        {
            [Pipeline.Aws.AwsClients.DynamoDbEndpointVariable] = $"http://127.0.0.1:{dynamoPort}",
            [Pipeline.Aws.AwsClients.CloudWatchEndpointVariable] = $"http://127.0.0.1:{dynamoPort}",
            [Pipeline.Aws.AwsClients.S3EndpointVariable] = $"http://127.0.0.1:{s3Port}",

            // The control endpoint also serves the Step Functions API: where DeployLock asks whether a lock's holder still runs.
            [Pipeline.Aws.AwsClients.StepFunctionsEndpointVariable] = $"http://127.0.0.1:{_controlPort}",
            [Pipeline.Aws.AwsClients.SecretsManagerEndpointVariable] = SecretsManagerEndpoint,
        };
        var localOnly = LocalOnlySettings.Values(new Uri($"http://127.0.0.1:{_controlPort}"), names.Router.BindAddress, _clock as ScaledTimeProvider, names.Router.ComposerPort);
        Lambda = new LocalLambdaService(
            Template!.Functions.Select(f => TemplateFunctions.Definition(
                Template, f, FunctionEnvironment.Compose(f.Environment, endpoints, localOnly))),
            new LocalLambdaOptions
            {
                Region = Context.Region,
                AccountId = Context.AccountId,
                Log = FunctionLog(),
                InitTimeout = TimeSpan.FromSeconds(30),
                Credentials = new LambdaCredentials(LocalCredentials.AccessKey, LocalCredentials.SecretKey),
                InheritEnvironment = false,
                IdleTimeout = LocalOnlySettings.FunctionIdle(Environment.GetEnvironmentVariable),
            });
        _disposables.Add(Lambda);
        await Lambda.StartAsync(0, cancellationToken);
        Endpoints["lambda"] = Lambda.Endpoint!.ToString().TrimEnd('/');
    }

    /// <summary>The git host, CodeBuild, the EC2 fleet and ELBv2 target groups, and the ASL engine with every state machine wired to them.</summary>
    private void StartStepFunctions(StackNames names)
    {
        Git = new LocalGitHost(_layout.Root);
        var artifacts = new S3ArtifactBucket(S3!);
        var builds = new LocalBuildRunner(
            _layout.Root,
            Template!.BuildProjects.Select(p => new BuildProject(p.Name, p.Name, names.ArtifactBucket)),
            new GitHostBuildSources(Git), artifacts, Context);
        Fleet = new LocalProcessFleet(_layout.Root, artifacts, parameters: new LocalParameterStore(_layout.Root));
        _disposables.Add(Fleet);
        var targetGroups = _targetGroups = new LocalTargetGroups(new FleetTargetAddresses(Fleet), Context);
        _disposables.Add(targetGroups);
        foreach (var listener in Template.Listeners)
        {
            targetGroups.CreateListener(listener.Arn);
        }

        StepFunctions = new StepFunctionsService(
            new StatesEngine(new EngineOptions
            {
                Integrations = Integrations(Lambda!.Endpoint!, builds, targetGroups),
                WaitTimeScale = _options.WaitTimeScale,
                Region = Context.Region,
                Account = Context.AccountId,
            }),
            new ExecutionJournal(_layout.Executions));
        _disposables.Add(StepFunctions);
        RegisterStateMachines(Template, StepFunctions);
    }

    /// <summary>Reads the template with the local values of its AWS-only parameters and the router's front port and socket.</summary>
    private SamTemplate LoadTemplate(int frontPort)
    {
        try
        {
            if (!File.Exists(_options.TemplatePath))
            {
                throw new StackFailureException($"no template at {_options.TemplatePath}");
            }

            var parameters = LocalParameters.With(new Dictionary<string, string>(IssuerParameters())
            {
                ["RouterPort"] = frontPort.ToString(CultureInfo.InvariantCulture),
                // Every local router must report (MinRouters), as RouterCount on AWS.
                ["RouterCount"] = _options.Routers.ToString(CultureInfo.InvariantCulture),
                ["RouterRuntimeSocket"] = _layout.HaproxyAdminSocket,

                // The local haproxy runs as the user who ran `up` and cannot switch users.
                ["RouterUser"] = RegistryRoutesPublisherFromEnvironment.KeepUser,
                ["RouterGroup"] = RegistryRoutesPublisherFromEnvironment.KeepUser,
            });
            return SamTemplate.Parse(
                File.ReadAllText(_options.TemplatePath),
                new TemplateOptions { Stack = Context, LocalParameterValues = parameters },
                _options.TemplatePath,
                _options.RepositoryRoot);
        }
        catch (TemplateInvalidException e)
        {
            throw new StackFailureException($"template.yaml cannot run locally: {e.Message}", e);
        }
    }

    /// <summary>Registers every state machine of the template; a changed definition replaces the journaled one.</summary>
    private static void RegisterStateMachines(SamTemplate template, StepFunctionsService service)
    {
        foreach (var machine in template.StateMachines)
        {
            try
            {
                var text = template.RenderDefinition(machine);
                var existing = service.ListStateMachines().FirstOrDefault(m => m.Arn == machine.Arn);
                if (existing is null)
                {
                    service.CreateStateMachine(machine.Name, text);
                }
                else if (existing.DefinitionJson != text)
                {
                    service.UpdateStateMachine(existing.Arn, text);
                }
            }
            catch (Exception e) when (e is TemplateInvalidException or StepFunctionsException)
            {
                throw new StackFailureException($"state machine {machine.LogicalId}: {e.Message}", e);
            }
        }
    }

    /// <summary>
    /// Lambda for lambda:invoke and function ARNs. Any other resource (a service whose local stand-in
    /// is not wired) has no entry, and the engine fails that Task with States.Runtime naming it.
    /// </summary>
    private static TaskIntegrationRegistry Integrations(Uri lambdaEndpoint, IBuildService builds, LocalTargetGroups targetGroups)
    {
        var http = new HttpClient { BaseAddress = lambdaEndpoint, Timeout = TimeSpan.FromMinutes(16) };
        var lambda = new LambdaInvokeIntegration(http);
        return new TaskIntegrationRegistry()
            .Register(LambdaInvokeIntegration.OptimizedResource, lambda)
            .Register(LambdaInvokeIntegration.FunctionArnPattern, lambda)
            .Register(CodeBuildIntegration.Resource, new CodeBuildIntegration(builds))
            .Register(TargetGroupsIntegration.Pattern, new TargetGroupsIntegration(new ElasticLoadBalancingV2Integration(targetGroups)));
    }

    /// <summary>
    /// HAProxy needs a config to start. On a fresh state directory the stack publishes the empty
    /// fleet's config through the same publisher PublishRoutes uses; afterwards the pointer is left
    /// to the pipeline.
    /// </summary>
    private async Task PublishInitialRoutesAsync(string registryTable, string bucket, RouterSettings router, CancellationToken cancellationToken)
    {
        var store = new S3RoutesStore(S3!, bucket);
        if (await store.GetPointerAsync(cancellationToken) is not null)
        {
            return;
        }

        var sequence = new DynamoDbRoutesSequence(Dynamo!, registryTable, DynamoDbRoutesSequence.HaproxyKey);
        var publisher = new RoutesConfigPublisher(sequence, store, TimeProvider.System, RoutesConfigPublisherOptions.Default);
        var result = await publisher.PublishAsync(HaproxyConfigRenderer.Render(RoutingTable.Empty, router), cancellationToken);
        Step($"published the empty fleet's HAProxy config as {result.Current.Key}");
    }

    private async Task StartControlAsync(CancellationToken cancellationToken)
    {
        var builder = EmbeddedServerLifetime.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{_controlPort}");
        _control = builder.Build();
        _control.MapStepFunctionsApi(StepFunctions!);
        _control.MapSecretsManagerApi(Secrets);
        FleetApi.Map(_control, Fleet!, _artifactBucket!, _instanceEnvironment!);
        MapRouterApi(_control);
        MapGitHubStandIn(_control);
        _control.MapGet("/stack", async (HttpContext http) =>
        {
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync((await StatusAsync(http.RequestAborted)).ToJsonString(), http.RequestAborted);
        });
        _control.MapPost("/stack/stop", () =>
        {
            _stopRequested.TrySetResult();
            return Results.Accepted();
        });
        await _control.StartAsync(cancellationToken);
        Endpoints["stepfunctions"] = _control.Urls.First();
        Endpoints["fleet"] = _control.Urls.First() + "/fleet/instances";
        Endpoints["github"] = _control.Urls.First() + LocalGitHubApi.Path;
    }

    private void StartEventSources()
    {
        var invoker = new StackEventTargets(this);
        var bus = new LocalEventBus(Context, invoker);
        var scheduler = new LocalScheduler(LocalScheduler.ToTargets(invoker, Context,
            (firing, e) => Step($"schedule {firing.Rule.Name}: {e.Message}")), _clock);
        PublishExecutionStatusChanges(bus);
        foreach (var rule in Template!.Rules)
        {
            if (rule.IsSchedule)
            {
                scheduler.Add(rule);
            }
            else
            {
                bus.PutRule(rule);
            }
        }

        _loops.Add(Git!.RunAsync(
            Pushes(GitPushes.ToBus(bus, Context, d => Step(d.Succeeded
                ? $"push event matched rule {d.RuleName} -> {d.TargetArn}"
                : $"push event for rule {d.RuleName} failed: {d.Error}"))),
            TimeSpan.FromSeconds(5), _stopping.Token));
        _loops.Add(scheduler.RunAsync(_stopping.Token));
        Step($"event bus: {bus.Rules.Count} rule(s); scheduler: {scheduler.Upcoming.Count} schedule(s)"
             + (_clock is ScaledTimeProvider scaled ? $" on a clock {scaled.Scale}x real time" : ""));
    }

    internal async Task<JsonObject> StatusAsync(CancellationToken cancellationToken)
    {
        var services = new JsonArray();
        try
        {
            var registry = new DynamoDbRegistry(Dynamo!, Template!.Tables.First(t => t.LogicalId == "RegistryTable").Name);
            foreach (var service in await registry.ListServicesAsync(cancellationToken))
            {
                services.Add(new JsonObject
                {
                    ["name"] = service.Name,
                    ["live"] = service.LiveLabel,
                    ["latest"] = service.LatestLabel,
                });
            }
        }
        catch (AmazonDynamoDBException e)
        {
            services.Add(new JsonObject { ["error"] = e.Message });
        }

        return new JsonObject
        {
            ["pid"] = Environment.ProcessId,
            ["stateDirectory"] = _layout.Root,
            ["endpoints"] = Endpoints.DeepClone(),
            ["processes"] = new JsonArray([.. _children.Concat(_routers?.Running.Select(r => r.Agent!) ?? []).Concat(_composer?.Current is { } composer ? [composer] : []).Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["pid"] = c.Id,
                ["running"] = !c.Exited.IsCompleted,
            })]),
            ["routers"] = _routers is null ? new JsonArray() : await RoutersStatusAsync(cancellationToken),
            ["functions"] = new JsonArray([.. Lambda!.Functions.Select(f => (JsonNode)JsonValue.Create(f.Name))]),
            ["stateMachines"] = new JsonArray([.. StepFunctions!.ListStateMachines().Select(m => (JsonNode)JsonValue.Create(m.Name))]),
            ["instances"] = FleetApi.Instances(Fleet!.Describe()),
            ["repositories"] = new JsonArray([.. Git!.Repositories.Select(r => (JsonNode)JsonValue.Create(r))]),
            ["services"] = services,
            ["commitStatuses"] = CommitStatuses(10),
        };
    }

    private void Watch(ChildProcess child)
    {
        _children.Add(child);
        _ = child.Exited.ContinueWith(
            t =>
            {
                if (child.Crashed)
                {
                    _crashed.TrySetResult(
                        $"{child.Name} crashed (exit code {t.Result}); see {_layout.Log(child.Name)}. Its last output:\n{child.Tail()}");
                }
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private Action<string, string> FunctionLog()
    {
        var writers = new Dictionary<string, StreamWriter>(StringComparer.Ordinal);
        return (function, line) =>
        {
            lock (writers)
            {
                if (!writers.TryGetValue(function, out var writer))
                {
                    writer = new StreamWriter(_layout.Log("function-" + function), append: true) { AutoFlush = true };
                    writers[function] = writer;
                }

                writer.WriteLine(line);
            }
        };
    }

    internal void Step(string message) =>
        _options.Log.WriteLine($"{DateTimeOffset.Now:HH:mm:ss} {message}");

    private static string? Truncate(string? text, int length) =>
        text is null || text.Length <= length ? text : text[..length] + "...";

    public async ValueTask DisposeAsync()
    {
        // Executions first, while what they call still runs: cut off, they stay RUNNING for the next stack to resume.
        if (StepFunctions is not null)
        {
            await StepFunctions.DisposeAsync();
        }

        await _stopping.CancelAsync();
        foreach (var loop in _loops)
        {
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }

        if (_control is not null)
        {
            await _control.StopAsync();
            await _control.DisposeAsync();
        }

        if (_composer is not null)
        {
            await _composer.DisposeAsync();
        }

        // The routers first: each agent soft-stops its haproxy so in-flight requests finish.
        if (_routers is not null)
        {
            await _routers.DisposeAsync();
        }

        foreach (var child in Enumerable.Reverse(_children))
        {
            await child.DisposeAsync();
        }

        foreach (var disposable in Enumerable.Reverse(_disposables))
        {
            await disposable.DisposeAsync();
        }

        Dynamo?.Dispose();
        S3?.Dispose();
        StackFile.Delete(_layout);
        _stopping.Dispose();
    }
}
