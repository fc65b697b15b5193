using Amazon.DynamoDBv2.Model;
using Amazon.S3;
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
        var all = await RewriteWhileReadingAsync(emulators.S3, await emulators.CreateBucketAsync(), TimeSpan.FromSeconds(4));

        Assert.True(all.Count >= 20, $"only {all.Count} reads in 4 s");
        Assert.All(all, body => Assert.Contains(body, Versions));
        Assert.Contains(Versions[1], all);
    }

    [Fact]
    public async Task S3_WhenTheDiskIsSlowWhileAKeyIsRewrittenAndRead_ShouldAnswerEachGetWithOneWholeVersion()
    {
        // The test above, on an s3rver whose file writes land 30 ms late: a store that lets a key go
        // before its bytes are on disk then tears most reads, not one in a few thousand.
        var directory = Path.Combine(Path.GetTempPath(), "pipeline-s3rver-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var slowDisk = Path.Combine(AppContext.BaseDirectory, "Fixtures", "slow-disk.js");
        var (process, port) = await Emulators.StartS3rverAsync(
            RepositoryRoot.Path, directory, Path.Combine(Path.GetTempPath(), "pipeline-tests", $"s3rver-slow-disk-{Guid.NewGuid():N}.log"),
            CancellationToken.None, new Dictionary<string, string> { ["NODE_OPTIONS"] = $"--require {slowDisk}" });
        await using (process)
        {
            using var s3 = EmulatorFixture.CreateS3Client(new Uri($"http://127.0.0.1:{port}"));
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = "slow-disk" });

            var all = await RewriteWhileReadingAsync(s3, "slow-disk", TimeSpan.FromSeconds(3));

            Assert.All(all, body => Assert.Contains(body, Versions));
            Assert.Contains(Versions[0], all);
            Assert.Contains(Versions[1], all);
        }

        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void Binary_WhenBinaryMissing_ShouldNameTheInstallCommand()
    {
        var error = Assert.Throws<Pipeline.Local.Aws.Processes.StackFailureException>(() => Pipeline.Local.Aws.Processes.Emulators.Binary(RepositoryRoot.Path, "no-such-emulator"));

        Assert.Contains("cd local/emulators && npm ci", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Two versions of one key, of different lengths, so a mix of them cannot pass for either.</summary>
    private static readonly string[] Versions = [new string('a', 40_000), new string('b', 90_000)];

    /// <summary>
    /// Writes <see cref="Versions"/> in turn to one key for <paramref name="duration"/> while three
    /// readers GET it, and returns every body read. S3 replaces an object whole, so each must be one
    /// version byte for byte (a mix surfaces as a short body or a checksum failure in the SDK).
    /// </summary>
    private static async Task<List<string>> RewriteWhileReadingAsync(AmazonS3Client s3, string bucket, TimeSpan duration)
    {
        const string key = "status/router.json";
        await EmulatorFixture.PutTextAsync(s3, bucket, key, Versions[0]);
        using var stop = new CancellationTokenSource(duration);

        var writer = Task.Run(async () =>
        {
            for (var i = 1; !stop.IsCancellationRequested; i++)
            {
                await EmulatorFixture.PutTextAsync(s3, bucket, key, Versions[i % 2]);
            }
        });
        var reads = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            var seen = new List<string>();
            while (!stop.IsCancellationRequested)
            {
                using var get = await s3.GetObjectAsync(bucket, key);
                using var reader = new StreamReader(get.ResponseStream);
                seen.Add(await reader.ReadToEndAsync());
            }

            return seen;
        })));
        await writer;
        return reads.SelectMany(r => r).ToList();
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
