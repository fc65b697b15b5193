using Pipeline.Aws.Registry;
using Pipeline.Core.Routing;
using Pipeline.Core.Configuration;

namespace Pipeline.Aws.Routing;

/// <summary>
/// The routes publication over the registry table, the routes bucket and the router settings
/// (<see cref="RoutesSettings"/>): what every function that publishes routes composes.
/// </summary>
public static class RegistryRoutesPublisherFromEnvironment
{
    /// <summary>The address the front end binds; a local-only setting (127.0.0.1 on one machine), <c>*</c> without it.</summary>
    public const string RouterBindVariable = SettingNames.RouterBind;

    /// <summary>The composer's loopback port (its calls frontend on the next); a local-only setting, 8091 without it.</summary>
    public const string ComposerPortVariable = SettingNames.ComposerPort;

    /// <summary>The value of <c>PIPELINE_ROUTER_USER</c> / <c>_GROUP</c> that keeps haproxy's own user (a router not started as root).</summary>
    public const string KeepUser = RoutesSettings.KeepUser;

    /// <summary>The publication over <paramref name="registry"/>'s table and client.</summary>
    public static RegistryRoutesPublisher Create(DynamoDbRegistry registry, RoutesSettings settings)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(settings);
        var dynamo = registry.DynamoDb;
        return new RegistryRoutesPublisher(
            registry,
            new DynamoDbRouteTargets(dynamo, settings.RegistryTable),
            new RoutesConfigPublisher(
                new DynamoDbRoutesSequence(dynamo, settings.RegistryTable, DynamoDbRoutesSequence.HaproxyKey),
                new S3RoutesStore(AwsClients.S3(), settings.RoutesBucket),
                TimeProvider.System,
                RoutesConfigPublisherOptions.Default),
            settings.Router);
    }

    /// <summary>Router settings from <paramref name="env"/>, as <see cref="RoutesSettings.ReadRouter"/> reads them.</summary>
    public static RouterSettings RouterSettingsFrom(Func<string, string?> env) => RoutesSettings.ReadRouter(new SettingsReader(env));
}
