using Pipeline.Aws;
using Pipeline.Aws.Registry;
using Pipeline.Aws.Routing;
using Pipeline.Functions.PublishRoutes;
using Pipeline.Lambda;

return await LambdaRuntime.RunAsync(
    () =>
    {
        var dynamo = AwsClients.DynamoDb();
        var table = AwsClients.Setting("PIPELINE_REGISTRY_TABLE");
        var publication = RoutesPublicationFromEnvironment.Create(dynamo, new DynamoDbRegistry(dynamo, table), table);
        return Task.FromResult<IFunctionHandler<PublishRoutesInput, PublishRoutesOutput>>(new PublishRoutesHandler(publication));
    },
    PublishRoutesJson.Default.PublishRoutesInput,
    PublishRoutesJson.Default.PublishRoutesOutput);
