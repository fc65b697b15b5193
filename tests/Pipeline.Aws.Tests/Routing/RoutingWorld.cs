using Pipeline.Core.Routing;

namespace Pipeline.Aws.Tests.Routing;

/// <summary>A fresh registry table and routes bucket, with the adapters PublishRoutes composes over them.</summary>
internal sealed record RoutingWorld(DynamoDbRegistry Registry, DynamoDbRouteTargets Targets, DynamoDbRoutesSequence Sequence, S3RoutesStore Store)
{
    public static async Task<RoutingWorld> CreateAsync(EmulatorFixture emulators)
    {
        var table = await RoutingTestTables.CreateAsync(emulators);
        var bucket = await emulators.CreateBucketAsync("routes");
        return new RoutingWorld(
            new DynamoDbRegistry(emulators.DynamoDb, table),
            new DynamoDbRouteTargets(emulators.DynamoDb, table),
            new DynamoDbRoutesSequence(emulators.DynamoDb, table, RoutingTestTables.SequenceKey),
            new S3RoutesStore(emulators.S3, bucket));
    }

    /// <summary>The publisher as the function wires it, over <paramref name="sequence"/> (this world's unless given).</summary>
    public RegistryRoutesPublisher Publisher(IRoutesSequence? sequence = null, RoutesConfigPublisherOptions? options = null) => new(
        Registry,
        Targets,
        new RoutesConfigPublisher(sequence ?? Sequence, Store, TimeProvider.System, options ?? RoutesConfigPublisherOptions.Default),
        new RouterSettings("*", 80, "/run/haproxy/admin.sock"));
}
