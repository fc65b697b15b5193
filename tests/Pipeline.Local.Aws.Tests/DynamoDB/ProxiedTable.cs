using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace Pipeline.Local.Aws.Tests.DynamoDB;

/// <summary>A fresh table created through a metering proxy in front of the shared dynalite.</summary>
internal sealed class ProxiedTable(MeteringProxy proxy, AmazonDynamoDBClient client, string name, ManualClock clock) : IAsyncDisposable
{
    /// <summary>Where the tests' hand-moved clocks start: 10:00 UTC on a Monday.</summary>
    public static readonly DateTimeOffset TenAm = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    public MeteringProxy Proxy => proxy;

    public AmazonDynamoDBClient Client => client;

    public string Name => name;

    /// <summary>The proxy's clock, standing at <see cref="TenAm"/> until the test moves it.</summary>
    public ManualClock Clock => clock;

    public static async Task<ProxiedTable> CreateAsync(EmulatorFixture emulators, long read, long write, int burstSeconds = 300, bool withIndex = false)
    {
        var clock = new ManualClock(TenAm);
        var proxy = await MeteringProxy.StartAsync(emulators.DynamoDbEndpoint, new MeteringOptions(burstSeconds, clock));
        var client = new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), new AmazonDynamoDBConfig
        {
            ServiceURL = proxy.Endpoint.ToString(),
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });
        var name = EmulatorFixture.UniqueName("metered");
        var request = new CreateTableRequest
        {
            TableName = name,
            AttributeDefinitions = [new("pk", ScalarAttributeType.S), new("gk", ScalarAttributeType.S)],
            KeySchema = [new("pk", KeyType.HASH)],
            ProvisionedThroughput = new ProvisionedThroughput(read, write),
        };
        if (withIndex)
        {
            request.GlobalSecondaryIndexes =
            [
                new GlobalSecondaryIndex
                {
                    IndexName = "by-gk",
                    KeySchema = [new("gk", KeyType.HASH)],
                    Projection = new Projection { ProjectionType = ProjectionType.ALL },
                    ProvisionedThroughput = new ProvisionedThroughput(read, write),
                },
            ];
        }
        else
        {
            request.AttributeDefinitions.RemoveAt(1);
        }

        await client.CreateTableAsync(request);
        var table = new ProxiedTable(proxy, client, name, clock);
        await table.WaitActiveAsync();
        return table;
    }

    public Task WaitActiveAsync() => EmulatorFixture.WaitUntilActiveAsync(Client, Name);

    /// <summary>Writes the items <c>k0</c> to <c>k{count - 1}</c>, one request each.</summary>
    public async Task PutManyAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await PutAsync($"k{i}");
        }
    }

    public Task PutAsync(string key) => Client.PutItemAsync(new PutItemRequest
    {
        TableName = Name,
        Item = new() { ["pk"] = new AttributeValue(key), ["gk"] = new AttributeValue("g") },
    });

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Proxy.DisposeAsync();
    }
}
