using Pipeline.Aws;
using Pipeline.Aws.Registry;
using Pipeline.Aws.Routing;
using Pipeline.Core.Configuration;
using Pipeline.Functions.PublishRoutes;

return await LambdaRuntime.RunAsync(
    RoutesSettings.From,
    settings =>
    {
        var dynamo = AwsClients.DynamoDb();
        var publication = RegistryRoutesPublisherFromEnvironment.Create(dynamo, new DynamoDbRegistry(dynamo, settings.RegistryTable), settings);
        return new PublishRoutesHandler(publication);
    },
    PublishRoutesJson.Default.PublishRoutesInput,
    PublishRoutesJson.Default.PublishRoutesOutput,
    classifyErrors: TransientErrors.Classify);
