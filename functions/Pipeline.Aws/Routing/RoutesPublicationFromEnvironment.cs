using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Pipeline.Core.Registry;
using Pipeline.Core.Routing;

namespace Pipeline.Aws.Routing;

/// <summary>
/// The routes publication over the registry table, the routes bucket and the router settings from
/// the environment (<c>PIPELINE_ROUTES_BUCKET</c>, <c>PIPELINE_ROUTER_PORT</c>,
/// <c>PIPELINE_ROUTER_RUNTIME_SOCKET</c>, optional <c>PIPELINE_ROUTER_BIND</c>): what every function
/// that publishes routes composes.
/// </summary>
public static class RoutesPublicationFromEnvironment
{
    /// <summary>The address the front end binds; a local-only setting (127.0.0.1 on one machine), <c>*</c> without it.</summary>
    public const string RouterBindVariable = "PIPELINE_ROUTER_BIND";

    public static RoutesPublication Create(IAmazonDynamoDB dynamo, IRegistry registry, string registryTable)
    {
        var sequenceKey = new Dictionary<string, AttributeValue> { ["pk"] = new() { S = "ROUTES#haproxy" }, ["sk"] = new() { S = "SEQUENCE" } };
        var settings = new RouterSettings(
            Environment.GetEnvironmentVariable(RouterBindVariable) is { Length: > 0 } bind ? bind : "*",
            int.Parse(AwsClients.Setting("PIPELINE_ROUTER_PORT"), CultureInfo.InvariantCulture),
            AwsClients.Setting("PIPELINE_ROUTER_RUNTIME_SOCKET"));
        return new RoutesPublication(
            registry,
            new DynamoDbRouteTargets(dynamo, registryTable),
            new RoutesPublisher(
                new DynamoDbRoutesSequence(dynamo, registryTable, sequenceKey),
                new S3RoutesStore(AwsClients.S3(), AwsClients.Setting("PIPELINE_ROUTES_BUCKET")),
                TimeProvider.System,
                RoutesPublisherOptions.Default),
            settings);
    }
}
