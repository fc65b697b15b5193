using Pipeline.Aws;
using Pipeline.Aws.Fleet;
using Pipeline.Aws.Registry;
using Pipeline.Core.Fleet;
using Pipeline.Core.Configuration;
using Pipeline.Functions.RetireVersion;

return await LambdaRuntime.RunAsync(
    StackSettings.From,
    settings => new RetireVersionHandler(
        new VersionRetirement(new DynamoDbRegistry(AwsClients.DynamoDb(), settings.RegistryTable), FleetFromEnvironment.ForTermination(settings.StackName))),
    RetireVersionJson.Default.RetireVersionInput,
    RetireVersionJson.Default.RetireVersionOutput,
    classifyErrors: TransientErrors.Classify);
