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
    private EmulatorProcess? _dynalite;
    private EmulatorProcess? _s3rver;
    private AmazonDynamoDBClient? _dynamoDb;
    private AmazonS3Client? _s3;

    public AmazonDynamoDBClient DynamoDb => _dynamoDb ?? throw NotStarted();

    public AmazonS3Client S3 => _s3 ?? throw NotStarted();

    public Uri DynamoDbEndpoint => (_dynalite ?? throw NotStarted()).Endpoint;

    public Uri S3Endpoint => (_s3rver ?? throw NotStarted()).Endpoint;

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
        var dynalite = EmulatorProcess.StartDynaliteAsync(TableTransitionMs);
        var s3rver = EmulatorProcess.StartS3rverAsync(_s3Directory);
        _dynalite = await dynalite;
        _s3rver = await s3rver;
        _dynamoDb = CreateDynamoDbClient(_dynalite.Endpoint);
        _s3 = CreateS3Client(_s3rver.Endpoint);

        // Listening is not the same as serving: one real request each before the first test.
        await _dynamoDb.ListTablesAsync(new Amazon.DynamoDBv2.Model.ListTablesRequest());
        await _s3.ListBucketsAsync(new ListBucketsRequest());
    }

    public async Task DisposeAsync()
    {
        _dynamoDb?.Dispose();
        _s3?.Dispose();
        if (_dynalite is not null)
        {
            await _dynalite.DisposeAsync();
        }

        if (_s3rver is not null)
        {
            await _s3rver.DisposeAsync();
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
    public async Task WaitUntilActiveAsync(string table)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var description = (await DynamoDb.DescribeTableAsync(table)).Table;
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
    public Task PutTextAsync(string bucket, string key, string content) =>
        S3.PutObjectAsync(new PutObjectRequest
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

    private static InvalidOperationException NotStarted() =>
        new("The emulators are not running: use EmulatorFixture as an xunit collection fixture.");
}
