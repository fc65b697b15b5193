using Pipeline.Aws;
using Pipeline.Aws.Registry;
using Pipeline.Core.Deploy;
using Pipeline.Core.Configuration;
using Pipeline.Functions.ResolveVersion;

return await LambdaRuntime.RunAsync(
    StackSettings.From,
    settings => new ResolveVersionHandler(
        new VersionResolver(new DynamoDbRegistry(AwsClients.DynamoDb(), settings.RegistryTable), settings.StackName)),
    ResolveVersionJson.Default.ResolveVersionInput,
    ResolveVersionJson.Default.ResolvedVersion,
    classifyErrors: TransientErrors.Classify);
