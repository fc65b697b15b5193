using Amazon.Runtime;
using Pipeline.Aws.CloudWatch;
using Pipeline.Aws.Deploy;
using Pipeline.Aws.Scaling;
using Pipeline.Aws.StepFunctions;
using Pipeline.Dashboard;
using Pipeline.Local.Aws.EC2;

namespace Pipeline.Local.Stack;

/// <summary>
/// The web dashboard (<see cref="DashboardServer"/>), started last, reading the stack through the same
/// adapters and endpoints the functions use: the registry in DynamoDB, the Step Functions API on the
/// control endpoint, the routes bucket, and CloudWatch metrics from the metering proxy.
/// </summary>
internal sealed partial class StackHost
{
    private async Task StartDashboardAsync(StackNames names, CancellationToken cancellationToken)
    {
        var credentials = new BasicAWSCredentials(LocalCredentials.AccessKey, LocalCredentials.SecretKey).GetCredentials();
        Task<ImmutableCredentials> Credentials(CancellationToken _) => Task.FromResult(credentials);
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var stepFunctions = new Uri(Endpoints["stepfunctions"]!.ToString().TrimEnd('/') + "/");
        var registry = new DynamoDbRegistry(Dynamo!, names.RegistryTable);
        var executions = new StepFunctionsClient(StepFunctionsClient.Service.At(http, Context.Region, stepFunctions, Credentials));
        var sources = new DashboardSources(
            registry,
            new StepFunctionsReader(http, stepFunctions, Context.Region, Credentials),
            executions,
            Template!.StateMachines.FirstOrDefault(m => m.LogicalId == "DeployServiceStateMachine")?.Arn ?? "",
            new S3RoutesStore(S3!, names.RoutesBucket),
            new S3RouterStatusSource(S3!, names.RoutesBucket),
            new DynamoDbTableCapacity(Dynamo!),
            new CloudWatchThroughputMetrics(new CloudWatchClient(CloudWatchClient.Service.At(http, Context.Region, new Uri(Endpoints["cloudwatch"]!.ToString()), Credentials))),
            new DeployLock(registry, new StepFunctionsExecutionStatuses(executions)),
            _clock,
            _ => Task.FromResult(FleetApi.Instances(Fleet!.Describe())));
        var dashboard = await DashboardServer.StartAsync(sources, FreePort.Next(), cancellationToken);
        _disposables.Add(dashboard);
        Endpoints["dashboard"] = dashboard.Address.ToString();
        Step($"dashboard at {dashboard.Address}");
    }
}
