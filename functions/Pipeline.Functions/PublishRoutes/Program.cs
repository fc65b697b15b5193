using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Pipeline.Aws;
using Pipeline.Aws.Registry;
using Pipeline.Aws.Routing;
using Pipeline.Core.Routing;
using Pipeline.Functions.PublishRoutes;
using Pipeline.Lambda;

return await LambdaRuntime.RunAsync(
    () =>
    {
        var dynamo = AwsClients.DynamoDb();
        var table = AwsClients.Setting("PIPELINE_REGISTRY_TABLE");
        var sequenceKey = new Dictionary<string, AttributeValue> { ["pk"] = new() { S = "ROUTES#haproxy" }, ["sk"] = new() { S = "SEQUENCE" } };
        var settings = new RouterSettings(
            Environment.GetEnvironmentVariable("PIPELINE_ROUTER_BIND") is { Length: > 0 } bind ? bind : "*",
            int.Parse(AwsClients.Setting("PIPELINE_ROUTER_PORT"), CultureInfo.InvariantCulture),
            AwsClients.Setting("PIPELINE_ROUTER_RUNTIME_SOCKET"));
        var publication = new RoutesPublication(
            new DynamoDbRegistry(dynamo, table),
            new DynamoDbRouteTargets(dynamo, table),
            new RoutesPublisher(
                new DynamoDbRoutesSequence(dynamo, table, sequenceKey),
                new S3RoutesStore(AwsClients.S3(), AwsClients.Setting("PIPELINE_ROUTES_BUCKET")),
                TimeProvider.System,
                RoutesPublisherOptions.Default),
            settings);
        return Task.FromResult<IFunctionHandler<PublishRoutesInput, PublishRoutesOutput>>(new PublishRoutesHandler(publication));
    },
    PublishRoutesJson.Default.PublishRoutesInput,
    PublishRoutesJson.Default.PublishRoutesOutput);
