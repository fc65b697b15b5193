using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Pipeline.Testing;

/// <summary>
/// dynalite and s3rver for one test collection, reached through the real AWS SDK clients.
/// A test project declares the collection itself, because xunit only discovers collection
/// definitions in the test assembly:
/// <code>
/// [CollectionDefinition(EmulatorFixture.Collection)]
/// public sealed class EmulatorCollectionDefinition : ICollectionFixture&lt;EmulatorFixture&gt;;
/// </code>
/// Tests in the collection share the emulators, so each test names its own tables and buckets
/// with <see cref="UniqueName"/>.
/// </summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public const string Collection = "emulators";

    /// <summary>
    /// How long dynalite keeps a table CREATING/UPDATING. Short to keep tests fast, but not zero,
    /// so code that must wait for ACTIVE is exercised for real.
    /// </summary>
    public const int TableTransitionMs = 150;

    /// <summary>s3rver accepts only its built-in key pair; dynalite accepts any.</summary>
    private static readonly BasicAWSCredentials Credentials = new("S3RVER", "S3RVER");
    private readonly string _s3Directory =
        Path.Combine(Path.GetTempPath(), "pipeline-s3rver-" + Guid.NewGuid().ToString("N"));
    private (ChildProcess Process, int Port)? _dynalite;
    private (ChildProcess Process, int Port)? _s3rver;
    private AmazonDynamoDBClient? _dynamoDb;
    private AmazonS3Client? _s3;

    public AmazonDynamoDBClient DynamoDb => _dynamoDb ?? throw NotStarted();

    public AmazonS3Client S3 => _s3 ?? throw NotStarted();

    public Uri DynamoDbEndpoint => Endpoint(_dynalite);

    public Uri S3Endpoint => Endpoint(_s3rver);

    /// <summary>A lower-case name no other test in this run uses: valid for tables and buckets.</summary>
    public static string UniqueName(string prefix) =>
        $"{prefix}-{Guid.NewGuid().ToString("N")[..12]}".ToLowerInvariant();

    /// <summary>Clients configured for an emulator endpoint, the way local adapters configure them.</summary>
    public static AmazonDynamoDBClient CreateDynamoDbClient(Uri endpoint) =>
        new(Credentials, new AmazonDynamoDBConfig
        {
            ServiceURL = endpoint.ToString(),
            AuthenticationRegion = "us-east-1",
        });

    /// <summary>
    /// s3rver only understands path-style addressing, unchunked uploads and no default checksums.
    /// Uploads must also set <c>UseChunkEncoding = false</c>: see <see cref="PutTextAsync"/>.
    /// </summary>
    public static AmazonS3Client CreateS3Client(Uri endpoint) =>
        new(Credentials, new AmazonS3Config
        {
            ServiceURL = endpoint.ToString(),
            AuthenticationRegion = "us-east-1",
            ForcePathStyle = true,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_s3Directory);
        // Started the stack's way (Emulators); their output goes to a log under the temp folder.
        var dynalite = Emulators.StartDynaliteAsync(
            RepositoryRoot.Path, dataDirectory: null, Log(EmulatorCommands.Dynalite), CancellationToken.None, TableTransitionMs);
        var s3rver = Emulators.StartS3rverAsync(RepositoryRoot.Path, _s3Directory, Log(EmulatorCommands.S3rver), CancellationToken.None);
        _dynalite = await dynalite;
        _s3rver = await s3rver;
        _dynamoDb = CreateDynamoDbClient(DynamoDbEndpoint);
        _s3 = CreateS3Client(S3Endpoint);

        // Listening is not the same as serving: one real request each before the first test.
        await _dynamoDb.ListTablesAsync(new Amazon.DynamoDBv2.Model.ListTablesRequest());
        await _s3.ListBucketsAsync(new ListBucketsRequest());
    }

    public async Task DisposeAsync()
    {
        _dynamoDb?.Dispose();
        _s3?.Dispose();
        foreach (var emulator in new[] { _dynalite, _s3rver })
        {
            if (emulator is { Process: var process })
            {
                await process.DisposeAsync();
            }
        }

        try
        {
            Directory.Delete(_s3Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; a failing dispose would hide the test result.
        }
    }

    /// <summary>Creates a fresh bucket and returns its name.</summary>
    public async Task<string> CreateBucketAsync(string prefix = "bucket")
    {
        var bucket = UniqueName(prefix);
        await S3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        return bucket;
    }

    /// <summary>Creates a table and waits until dynalite reports it ACTIVE (it starts CREATING).</summary>
    public async Task CreateTableAsync(Amazon.DynamoDBv2.Model.CreateTableRequest request)
    {
        await DynamoDb.CreateTableAsync(request);
        await WaitUntilActiveAsync(request.TableName);
    }

    /// <summary>Waits until a table and all its indexes are ACTIVE.</summary>
    public Task WaitUntilActiveAsync(string table) => WaitUntilActiveAsync(DynamoDb, table);

    /// <summary>Waits until a table and all its indexes are ACTIVE, asking through <paramref name="client"/> (a proxy, say).</summary>
    public static async Task WaitUntilActiveAsync(IAmazonDynamoDB client, string table)
    {
        ArgumentNullException.ThrowIfNull(client);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var description = (await client.DescribeTableAsync(table)).Table;
            var indexesActive = (description.GlobalSecondaryIndexes ?? [])
                .All(i => i.IndexStatus == Amazon.DynamoDBv2.IndexStatus.ACTIVE);
            if (description.TableStatus == Amazon.DynamoDBv2.TableStatus.ACTIVE && indexesActive)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Table {table} is still {description.TableStatus} after 30s.");
            }

            await Task.Delay(TableTransitionMs / 3);
        }
    }

    /// <summary>Uploads a text object the way s3rver accepts it.</summary>
    public Task PutTextAsync(string bucket, string key, string content) => PutTextAsync(S3, bucket, key, content);

    /// <summary>Uploads a text object the way s3rver accepts it, through <paramref name="s3"/> (another s3rver's client, say).</summary>
    public static Task PutTextAsync(IAmazonS3 s3, string bucket, string key, string content) =>
        s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            ContentBody = content,
            UseChunkEncoding = false,
        });

    /// <summary>Uploads bytes the way s3rver accepts it.</summary>
    public async Task PutBytesAsync(string bucket, string key, byte[] content)
    {
        using var stream = new MemoryStream(content);
        await S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = stream,
            UseChunkEncoding = false,
        });
    }

    private static Uri Endpoint((ChildProcess, int Port)? emulator) =>
        emulator is { Port: var port } ? new Uri($"http://127.0.0.1:{port}") : throw NotStarted();

    private static string Log(string name) => Path.Combine(Path.GetTempPath(), "pipeline-tests", $"{name}-{Guid.NewGuid():N}.log");

    private static InvalidOperationException NotStarted() =>
        new("The emulators are not running: use EmulatorFixture as an xunit collection fixture.");
}
