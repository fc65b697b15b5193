using Pipeline.Aws;
using Pipeline.Aws.Fleet;
using Pipeline.Aws.Registry;
using Pipeline.Core.Fleet;
using Pipeline.Functions.LaunchInstances;
using Pipeline.Lambda;

return await LambdaRuntime.RunAsync(
    () => Task.FromResult<IFunctionHandler<LaunchInstancesInput, LaunchInstancesOutput>>(new LaunchInstancesHandler(
        new InstanceLauncher(
            new DynamoDbRegistry(AwsClients.DynamoDb(), AwsClients.Setting("PIPELINE_REGISTRY_TABLE")),
            FleetFromEnvironment.ForLaunch(),
            AwsClients.Setting("PIPELINE_TABLE_PREFIX")))),
    LaunchInstancesJson.Default.LaunchInstancesInput,
    LaunchInstancesJson.Default.LaunchInstancesOutput);
