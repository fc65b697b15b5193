using Pipeline.Aws;
using Pipeline.Aws.Fleet;
using Pipeline.Aws.Registry;
using Pipeline.Aws.Routing;
using Pipeline.Core.Fleet;
using Pipeline.Functions.Rollback;
using Pipeline.Lambda;

return await LambdaRuntime.RunAsync(
    () =>
    {
        var dynamo = AwsClients.DynamoDb();
        var table = AwsClients.Setting("PIPELINE_REGISTRY_TABLE");
        var registry = new DynamoDbRegistry(dynamo, table);
        return Task.FromResult<IFunctionHandler<RollbackInput, RollbackOutput>>(new RollbackHandler(
            new DeployRollback(registry, FleetFromEnvironment.ForTermination(), RoutesPublicationFromEnvironment.Create(dynamo, registry, table))));
    },
    RollbackJson.Default.RollbackInput,
    RollbackJson.Default.RollbackOutput);
