using Amazon.DynamoDBv2.Model;
using Amazon.S3.Model;
using Pipeline.Local.Aws.Processes;
using Pipeline.Testing;

namespace Pipeline.Aws.Tests;

[Collection(EmulatorFixture.Collection)]
public sealed class EmulatorFixtureTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task Clients_WhenFixtureStarted_ShouldReachDynaliteAndS3rver()
    {
        var table = EmulatorFixture.UniqueName("fixture");
        await emulators.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            KeySchema = [new KeySchemaElement("id", "HASH")],
            AttributeDefinitions = [new AttributeDefinition("id", "S")],
            BillingMode = "PAY_PER_REQUEST",
        });
        await emulators.DynamoDb.PutItemAsync(table, new() { ["id"] = new AttributeValue("a") });
        var bucket = await emulators.CreateBucketAsync();
        await emulators.PutTextAsync(bucket, "dir/hello.txt", "hello");

        var item = await emulators.DynamoDb.GetItemAsync(table, new() { ["id"] = new AttributeValue("a") });
        using var get = await emulators.S3.GetObjectAsync(bucket, "dir/hello.txt");
        using var reader = new StreamReader(get.ResponseStream);

        Assert.Equal("a", item.Item["id"].S);
        Assert.Equal("hello", await reader.ReadToEndAsync());
        Assert.Equal("127.0.0.1", emulators.DynamoDbEndpoint.Host);
    }

    [Fact]
    public async Task Snapshot_WhenItemChanges_ShouldDiffer()
    {
        var table = EmulatorFixture.UniqueName("snap");
        await emulators.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            KeySchema = [new KeySchemaElement("id", "HASH")],
            AttributeDefinitions = [new AttributeDefinition("id", "S")],
            ProvisionedThroughput = new ProvisionedThroughput(1, 1),
        });
        bool Mine(string name) => name == table;
        await emulators.DynamoDb.PutItemAsync(table, new() { ["id"] = new AttributeValue("a") });
        var before = await StoreSnapshot.TakeAsync(emulators.DynamoDb, includeTable: Mine);
        var same = await StoreSnapshot.TakeAsync(emulators.DynamoDb, includeTable: Mine);
        await emulators.DynamoDb.PutItemAsync(table, new()
        {
            ["id"] = new AttributeValue("a"),
            ["n"] = new AttributeValue { N = "1" },
        });

        var after = await StoreSnapshot.TakeAsync(emulators.DynamoDb, includeTable: Mine);

        Assert.Equal(before, same);
        Assert.NotEqual(before, after);
        Assert.Contains(after, line => line.Contains("N:1", StringComparison.Ordinal));
    }

    [Fact]
    public void Binary_WhenBinaryMissing_ShouldNameTheInstallCommand()
    {
        var error = Assert.Throws<Pipeline.Local.Aws.Processes.StackFailureException>(() => Pipeline.Local.Aws.Processes.Emulators.Binary(RepositoryRoot.Path, "no-such-emulator"));

        Assert.Contains("cd local/emulators && npm ci", error.Message, StringComparison.Ordinal);
    }
}
