using Pipeline.Aws.Deploy;
using Pipeline.Aws.Registry;
using Pipeline.Aws.Routing;
using Pipeline.Aws.StepFunctions;
using Pipeline.Core.Deploy;
using Pipeline.Core.Scaling;

namespace Pipeline.Dashboard;

/// <summary>
/// What the dashboard reads and acts through: the same adapters the functions and the CLI use, so it
/// can be pointed at AWS endpoints as well as at the local stack.
/// </summary>
/// <param name="DeployStateMachineArn">The deploy-service state machine: where redeploy and roll back start a manual execution.</param>
/// <param name="Instances">The fleet's instances with their target health, when the world has a view of them (the local stack's fleet).</param>
public sealed record DashboardSources(
    DynamoDbRegistry Registry,
    StepFunctionsReader StepFunctions,
    StepFunctionsClient Executions,
    string DeployStateMachineArn,
    S3RoutesStore Routes,
    S3RouterStatusSource Routers,
    ITableCapacity Tables,
    IThroughputMetrics Metrics,
    DeployLock Locks,
    TimeProvider Clock,
    Func<CancellationToken, Task<JsonArray>>? Instances = null);
