using Pipeline.Aws.Fleet;
using Pipeline.Core.Fleet;

return await LambdaRuntime.RunAsync(StackSettings.From, settings => new RetireVersionHandler(
        new VersionRetirement(AwsClients.Registry(settings.RegistryTable), FleetFromEnvironment.ForTermination(settings.StackName))),
    RetireVersionJson.Default, TransientErrors.Classify);
