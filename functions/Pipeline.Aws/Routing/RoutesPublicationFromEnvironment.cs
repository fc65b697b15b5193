using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Pipeline.Core.Registry;
using Pipeline.Core.Routing;

namespace Pipeline.Aws.Routing;

/// <summary>
/// The routes publication over the registry table, the routes bucket and the router settings from
/// the environment (<c>PIPELINE_ROUTES_BUCKET</c>, <c>PIPELINE_ROUTER_PORT</c>,
/// <c>PIPELINE_ROUTER_RUNTIME_SOCKET</c>, optional <c>PIPELINE_ROUTER_BIND</c>,
/// <c>PIPELINE_ROUTER_USER</c> and <c>PIPELINE_ROUTER_GROUP</c>): what every function that
/// publishes routes composes.
/// </summary>
public static class RoutesPublicationFromEnvironment
{
    /// <summary>The address the front end binds; a local-only setting (127.0.0.1 on one machine), <c>*</c> without it.</summary>
    public const string RouterBindVariable = "PIPELINE_ROUTER_BIND";

    /// <summary>The value of <c>PIPELINE_ROUTER_USER</c> / <c>_GROUP</c> that keeps haproxy's own user (a router not started as root).</summary>
    public const string KeepUser = "none";

    public static RoutesPublication Create(IAmazonDynamoDB dynamo, IRegistry registry, string registryTable)
    {
        var sequenceKey = new Dictionary<string, AttributeValue> { ["pk"] = new() { S = "ROUTES#haproxy" }, ["sk"] = new() { S = "SEQUENCE" } };
        var settings = RouterSettingsFrom(Environment.GetEnvironmentVariable);
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

    /// <summary>
    /// Router settings from the environment. Workers drop root by default (user and group
    /// <see cref="RouterSettings.DefaultRouterUser"/>, as Debian's haproxy package runs them);
    /// <see cref="KeepUser"/> turns that off for a router whose haproxy is not started as root.
    /// </summary>
    public static RouterSettings RouterSettingsFrom(Func<string, string?> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        string Required(string name) => env(name) is { Length: > 0 } value ? value : throw new InvalidOperationException($"The environment variable {name} is not set.");
        string? RunAs(string name) => env(name) switch
        {
            null or "" => RouterSettings.DefaultRouterUser,
            KeepUser => null,
            var value => value,
        };

        return new RouterSettings(
            env(RouterBindVariable) is { Length: > 0 } bind ? bind : "*",
            int.Parse(Required("PIPELINE_ROUTER_PORT"), CultureInfo.InvariantCulture),
            Required("PIPELINE_ROUTER_RUNTIME_SOCKET"),
            User: RunAs("PIPELINE_ROUTER_USER"),
            Group: RunAs("PIPELINE_ROUTER_GROUP"));
    }
}
