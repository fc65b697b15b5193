using Pipeline.Aws;
using Pipeline.Aws.Fleet;
using Pipeline.Aws.Registry;
using Pipeline.Core.Fleet;
using Pipeline.Core.Configuration;
using Pipeline.Functions.LaunchInstances;
using Pipeline.Lambda;

return await LambdaRuntime.RunAsync(
    TableSettings.From,
    settings => new LaunchInstancesHandler(
        new InstanceLauncher(new DynamoDbRegistry(AwsClients.DynamoDb(), settings.RegistryTable), FleetFromEnvironment.ForLaunch(), settings.TablePrefix)),
    LaunchInstancesJson.Default.LaunchInstancesInput,
    LaunchInstancesJson.Default.LaunchInstancesOutput);
