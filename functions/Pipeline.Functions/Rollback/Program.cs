using Pipeline.Aws;
using Pipeline.Aws.Fleet;
using Pipeline.Aws.Registry;
using Pipeline.Aws.Routing;
using Pipeline.Core.Fleet;
using Pipeline.Core.Configuration;
using Pipeline.Functions.Rollback;

return await LambdaRuntime.RunAsync(
    RoutesSettings.From,
    settings =>
    {
        var dynamo = AwsClients.DynamoDb();
        var registry = new DynamoDbRegistry(dynamo, settings.RegistryTable);
        return new RollbackHandler(new DeployRollback(
            registry, FleetFromEnvironment.ForTermination(settings.StackName), RegistryRoutesPublisherFromEnvironment.Create(dynamo, registry, settings)));
    },
    RollbackJson.Default.RollbackInput,
    RollbackJson.Default.RollbackOutput,
    classifyErrors: TransientErrors.Classify);
