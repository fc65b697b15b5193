using Amazon.DynamoDBv2.Model;
using Amazon.S3.Model;
using Pipeline.Local.Aws.Processes;

namespace Pipeline.Aws.Tests;

[Collection(EmulatorFixture.Collection)]
public sealed class EmulatorFixtureTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task Clients_WhenFixtureStarted_ShouldReachDynaliteAndS3rver()
    {
        var table = await TableWithItemAAsync("fixture", provisioned: null);
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
        var table = await TableWithItemAAsync("snap", new ProvisionedThroughput(1, 1));
        bool Mine(string name) => name == table;
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
    public async Task S3_WhenAKeyIsRewrittenWhileRead_ShouldAnswerEachGetWithOneWholeVersion()
    {
        // S3 replaces an object whole. Two versions of different lengths are written in turn
        // while other requests read the key: each read must be one version, byte for byte
        // (a mix surfaces as a short body or a checksum failure in the SDK).
        var bucket = await emulators.CreateBucketAsync();
        string[] versions = [new string('a', 40_000), new string('b', 90_000)];
        await emulators.PutTextAsync(bucket, "status/router.json", versions[0]);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(4));

        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await emulators.PutTextAsync(bucket, "status/router.json", versions[i % 2]);
            }
        });
        var reads = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            var seen = new List<string>();
            while (!stop.IsCancellationRequested)
            {
                using var get = await emulators.S3.GetObjectAsync(bucket, "status/router.json");
                using var reader = new StreamReader(get.ResponseStream);
                seen.Add(await reader.ReadToEndAsync());
            }

            return seen;
        })));
        await writer;

        var all = reads.SelectMany(r => r).ToList();
        Assert.True(all.Count >= 20, $"only {all.Count} reads in 4 s");
        Assert.All(all, body => Assert.Contains(body, versions));
        Assert.Contains(versions[1], all);
    }

    [Fact]
    public void Binary_WhenBinaryMissing_ShouldNameTheInstallCommand()
    {
        var error = Assert.Throws<Pipeline.Local.Aws.Processes.StackFailureException>(() => Pipeline.Local.Aws.Processes.Emulators.Binary(RepositoryRoot.Path, "no-such-emulator"));

        Assert.Contains("cd local/emulators && npm ci", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A fresh table keyed by the string <c>id</c> (on demand when <paramref name="provisioned"/> is null), holding the item <c>a</c>.</summary>
    private async Task<string> TableWithItemAAsync(string prefix, ProvisionedThroughput? provisioned)
    {
        var table = EmulatorFixture.UniqueName(prefix);
        await emulators.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            KeySchema = [new KeySchemaElement("id", "HASH")],
            AttributeDefinitions = [new AttributeDefinition("id", "S")],
            BillingMode = provisioned is null ? Amazon.DynamoDBv2.BillingMode.PAY_PER_REQUEST : Amazon.DynamoDBv2.BillingMode.PROVISIONED,
            ProvisionedThroughput = provisioned,
        });
        await emulators.DynamoDb.PutItemAsync(table, new() { ["id"] = new AttributeValue("a") });
        return table;
    }
}
