using System.Collections.Concurrent;
using Pipeline.Aws.Fleet;
using Pipeline.Testing.Iam;

namespace Pipeline.Functions.Tests;

/// <summary>
/// Every function the deploy state machine calls, published and run as Lambda runs it, with every
/// dependency (DynamoDB, S3, Step Functions, CloudWatch, the fleet) behind a stand-in that fails each
/// request one transient way: each must report <c>Pipeline.Transient</c>, which the state machine
/// retries, and never an error that would roll the deploy back. A permanent refusal stays what it is.
/// </summary>
public sealed class TransientFaultTests(TransientFaultTests.FaultyDependencies stack) : IClassFixture<TransientFaultTests.FaultyDependencies>
{
    /// <summary>A valid input for each function, by template logical id: the faults, not the input, must fail it.</summary>
    private static readonly Dictionary<string, string> Inputs = new(StringComparer.Ordinal)
    {
        ["DeployLockFunction"] = """{"operation":"acquire","service":"orders","owner":"arn:aws:states:us-east-1:123456789012:execution:deploy:e1","leaseSeconds":3600,"startedAt":"2026-12-05T00:00:00Z"}""",
        ["RecordVersionFunction"] = """{"service":"orders","executionId":"e1","commit":"89abcdef0123456789abcdef0123456789abcdef","artifactKey":"builds/orders/e1/artifact.tgz","manifestKey":"builds/orders/e1/service.yaml"}""",
        ["ResolveVersionFunction"] = """{"service":"orders","version":"1.4.1-89abcde"}""",
        ["ProvisionTablesFunction"] = """{"service":"orders","label":"1.4.1-89abcde"}""",
        ["LaunchInstancesFunction"] = """{"service":"orders","label":"1.4.1-89abcde","artifactKey":"artifacts/orders/1.4.1-89abcde/artifact.tgz","count":1,"executionId":"e1"}""",
        ["PublishRoutesFunction"] = """{"service":"orders","label":"1.4.1-89abcde","targets":[{"id":"i-1","address":"127.0.0.1","port":8080}]}""",
        ["RoutesConvergedFunction"] = """{"routesVersion":1}""",
        ["RetireVersionFunction"] = """{"service":"orders","label":"1.4.1-89abcde","replacedBy":"1.4.2-89abcde","executionId":"e1"}""",
        ["RollbackFunction"] = """{"service":"orders","label":"1.4.2-89abcde","previousLabel":"1.4.1-89abcde","executionId":"e1"}""",
        ["ScaleTablesFunction"] = "{}",
    };

    public static TheoryData<string, ProxyFault> Cases()
    {
        var data = new TheoryData<string, ProxyFault>();
        foreach (var function in Inputs.Keys)
        {
            foreach (var fault in new[] { ProxyFault.Reset, ProxyFault.PrematureEnd, ProxyFault.ServerError, ProxyFault.Throttled })
            {
                data.Add(function, fault);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Invoke_WhenEveryDependencyFailsTransiently_ShouldReportPipelineTransient(string function, ProxyFault fault)
    {
        stack.FailAll(fault);
        var before = stack.Faulted;

        var result = await stack.InvokeAsync(function, Inputs[function]);

        Assert.True(result.ErrorType == TransientException.Name, $"{function} under {fault}: {stack.Describe(result)}");
        Assert.True(stack.Faulted > before, $"{function} reached no dependency");
    }

    [Theory]
    [InlineData("ResolveVersionFunction")]
    [InlineData("RoutesConvergedFunction")]
    [InlineData("LaunchInstancesFunction")]
    public async Task Invoke_WhenADependencyRefusesAccess_ShouldNotReportItAsTransient(string function)
    {
        stack.FailAll(ProxyFault.AccessDenied);

        var result = await stack.InvokeAsync(function, Inputs[function]);

        Assert.True(result.IsError, stack.Describe(result));
        Assert.NotEqual(TransientException.Name, result.ErrorType);
    }

    /// <summary>The published functions behind one local Lambda service, every endpoint a faulting proxy.</summary>
#pragma warning disable CA1001 // xunit disposes class fixtures through IAsyncLifetime.DisposeAsync.
    public sealed class FaultyDependencies : IAsyncLifetime
#pragma warning restore CA1001
    {
        private readonly ConcurrentQueue<string> _log = new();
        private readonly Dictionary<string, FaultyEndpoint> _proxies = new(StringComparer.Ordinal);
        private LocalLambdaService? _lambda;

        public int Faulted => _proxies.Values.Sum(p => p.Requests);

        public async Task InitializeAsync()
        {
            foreach (var service in new[] { "dynamodb", "s3", "sfn", "cloudwatch", "fleet" })
            {
                _proxies[service] = new FaultyEndpoint(service);
            }

            var environment = new Dictionary<string, string>
            {
                ["AWS_ENDPOINT_URL_DYNAMODB"] = _proxies["dynamodb"].Endpoint.ToString(),
                ["AWS_ENDPOINT_URL_S3"] = _proxies["s3"].Endpoint.ToString(),
                ["AWS_ENDPOINT_URL_SFN"] = _proxies["sfn"].Endpoint.ToString(),
                ["AWS_ENDPOINT_URL_CLOUDWATCH"] = _proxies["cloudwatch"].Endpoint.ToString(),
                [FleetFromEnvironment.EndpointVariable] = _proxies["fleet"].Endpoint.ToString(),
                ["AWS_ACCESS_KEY_ID"] = "S3RVER",
                ["AWS_SECRET_ACCESS_KEY"] = "S3RVER",
                ["PIPELINE_REGISTRY_TABLE"] = "registry",
                ["PIPELINE_ARTIFACT_BUCKET"] = "artifacts",
                ["PIPELINE_ROUTES_BUCKET"] = "routes",
                ["PIPELINE_TABLE_PREFIX"] = "p",
                ["PIPELINE_STACK_NAME"] = "pipeline",
                ["PIPELINE_MIN_ROUTERS"] = "1",
                ["PIPELINE_DEPLOY_BRANCH"] = "main",
            };
            var functions = new List<FunctionDefinition>();
            foreach (var name in Inputs.Keys)
            {
                var published = await FunctionBinaries.PublishedAsync(name, AppContext.BaseDirectory);
                var merged = new Dictionary<string, string>(published.Environment);
                foreach (var (key, value) in environment)
                {
                    merged[key] = value;
                }

                functions.Add(published with { Environment = merged, Timeout = TimeSpan.FromSeconds(90) });
            }

            _lambda = new LocalLambdaService(functions, new LocalLambdaOptions { Log = (function, line) => _log.Enqueue($"{function}: {line}") });
        }

        public void FailAll(ProxyFault fault)
        {
            foreach (var proxy in _proxies.Values)
            {
                proxy.Fault = fault;
            }
        }

        public Task<InvokeResult> InvokeAsync(string function, string input) =>
            _lambda!.InvokeAsync(function, Encoding.UTF8.GetBytes(input));

        public string Describe(InvokeResult result) =>
            $"{result.ErrorType}: {Encoding.UTF8.GetString(result.Payload)}\nfunction log tail:\n{string.Join('\n', _log.TakeLast(20))}";

        public async Task DisposeAsync()
        {
            if (_lambda is not null)
            {
                await _lambda.DisposeAsync();
            }

            foreach (var proxy in _proxies.Values)
            {
                await proxy.DisposeAsync();
            }
        }
    }
}
