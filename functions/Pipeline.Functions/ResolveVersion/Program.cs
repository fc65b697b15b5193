using Pipeline.Aws;
using Pipeline.Aws.Registry;
using Pipeline.Core.Deploy;
using Pipeline.Functions.ResolveVersion;
using Pipeline.Lambda;

return await LambdaRuntime.RunAsync(
    () => Task.FromResult<IFunctionHandler<ResolveVersionInput, ResolvedVersion>>(new ResolveVersionHandler(
        new VersionResolver(
            new DynamoDbRegistry(AwsClients.DynamoDb(), AwsClients.Setting("PIPELINE_REGISTRY_TABLE")),
            AwsClients.Setting("PIPELINE_STACK_NAME")))),
    ResolveVersionJson.Default.ResolveVersionInput,
    ResolveVersionJson.Default.ResolvedVersion);
