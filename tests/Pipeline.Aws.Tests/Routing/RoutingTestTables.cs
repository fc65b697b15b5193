using Amazon.DynamoDBv2.Model;

namespace Pipeline.Aws.Tests.Routing;

internal static class RoutingTestTables
{
    /// <summary>Where the routes sequence lives in the registry table (see Registry/README.md).</summary>
    public static Dictionary<string, AttributeValue> SequenceKey => new(DynamoDbRoutesSequence.HaproxyKey);

    public static async Task<string> CreateAsync(EmulatorFixture emulators)
    {
        var table = EmulatorFixture.UniqueName("registry");
        await DynamoDbRegistry.EnsureTableAsync(emulators.DynamoDb, table);
        return table;
    }
}
