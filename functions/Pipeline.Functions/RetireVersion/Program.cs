using Pipeline.Aws;
using Pipeline.Aws.Fleet;
using Pipeline.Aws.Registry;
using Pipeline.Core.Fleet;
using Pipeline.Functions.RetireVersion;
using Pipeline.Lambda;

return await LambdaRuntime.RunAsync(
    () => Task.FromResult<IFunctionHandler<RetireVersionInput, RetireVersionOutput>>(new RetireVersionHandler(
        new VersionRetirement(
            new DynamoDbRegistry(AwsClients.DynamoDb(), AwsClients.Setting("PIPELINE_REGISTRY_TABLE")),
            FleetFromEnvironment.ForTermination()))),
    RetireVersionJson.Default.RetireVersionInput,
    RetireVersionJson.Default.RetireVersionOutput);
