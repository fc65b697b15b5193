using Pipeline.Aws.Fleet;
using Pipeline.Aws.Routing;
using Pipeline.Core.Fleet;

return await LambdaRuntime.RunAsync(RoutesSettings.From, settings =>
    {
        var registry = AwsClients.Registry(settings.RegistryTable);
        return new RollbackHandler(new DeployRollback(
            registry, FleetFromEnvironment.ForTermination(settings.StackName), RegistryRoutesPublisherFromEnvironment.Create(registry, settings)));
    },
    RollbackJson.Default, TransientErrors.Classify);
