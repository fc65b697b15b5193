using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace Pipeline.Local.Aws.Tests.DynamoDB;

/// <summary>A fresh table created through a metering proxy in front of the shared dynalite.</summary>
internal sealed class ProxiedTable : IAsyncDisposable
{
    private ProxiedTable(MeteringProxy proxy, AmazonDynamoDBClient client, string name)
    {
        Proxy = proxy;
        Client = client;
        Name = name;
    }

    public MeteringProxy Proxy { get; }

    public AmazonDynamoDBClient Client { get; }

    public string Name { get; }

    public static async Task<ProxiedTable> CreateAsync(EmulatorFixture emulators, long read, long write, MeteringOptions options, bool withIndex = false)
    {
        var proxy = await MeteringProxy.StartAsync(emulators.DynamoDbEndpoint, options);
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
        var table = new ProxiedTable(proxy, client, name);
        await table.WaitActiveAsync();
        return table;
    }

    public async Task WaitActiveAsync()
    {
        for (var i = 0; i < 100; i++)
        {
            var table = (await Client.DescribeTableAsync(Name)).Table;
            if (table.TableStatus == TableStatus.ACTIVE && (table.GlobalSecondaryIndexes ?? []).All(g => g.IndexStatus == IndexStatus.ACTIVE))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{Name} did not become ACTIVE");
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
