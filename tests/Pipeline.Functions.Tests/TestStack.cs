using Pipeline.Aws.Artifacts;
using Pipeline.Aws.Registry;
using Pipeline.Aws.Tables;
using Pipeline.Core.Tables;
using Pipeline.Core.Versions;

namespace Pipeline.Functions.Tests;

/// <summary>
/// The functions composed over the real adapters, against the emulators: a fresh registry table,
/// artifact bucket and table prefix for each test, so tests never see each other's data.
/// </summary>
internal sealed class TestStack
{
    public const string Commit = "89abcdef0123456789abcdef0123456789abcdef";

    private readonly EmulatorFixture _emulators;

    private TestStack(EmulatorFixture emulators, string registryTable, string bucket, string prefix)
    {
        _emulators = emulators;
        RegistryTable = registryTable;
        Bucket = bucket;
        Prefix = prefix;
        Registry = new DynamoDbRegistry(emulators.DynamoDb, registryTable);
        Store = new S3ArtifactStore(emulators.S3, bucket);
        RecordVersion = new RecordVersionHandler(new VersionRecorder(Registry, Store, prefix, TimeProvider.System));
        ProvisionTables = new ProvisionTablesHandler(Registry,
            new TableProvisioner(new DynamoDbTableAdmin(emulators.DynamoDb, TimeSpan.FromSeconds(30)), Registry, prefix));
    }

    public string RegistryTable { get; }

    public string Bucket { get; }

    public string Prefix { get; }

    public DynamoDbRegistry Registry { get; }

    public S3ArtifactStore Store { get; }

    public RecordVersionHandler RecordVersion { get; }

    public ProvisionTablesHandler ProvisionTables { get; }

    public static InvocationContext Context { get; } =
        new("test-request", DateTimeOffset.UtcNow.AddHours(1), "arn:aws:lambda:us-east-1:123456789012:function:test", null,
            CancellationToken.None);

    public static async Task<TestStack> CreateAsync(EmulatorFixture emulators)
    {
        var registryTable = EmulatorFixture.UniqueName("registry");
        await DynamoDbRegistry.EnsureTableAsync(emulators.DynamoDb, registryTable);
        var bucket = await emulators.CreateBucketAsync("artifacts");
        var prefix = "p" + Guid.NewGuid().ToString("N")[..8];
        return new TestStack(emulators, registryTable, bucket, prefix);
    }

    /// <summary>Leaves a build's outputs where the build stage would, and returns the tag step's input.</summary>
    public async Task<RecordVersionInput> BuildAsync(string execution, string manifest, string artifact = "bundle", string service = "orders")
    {
        await _emulators.PutTextAsync(Bucket, $"builds/{execution}/service.yaml", manifest);
        await _emulators.PutBytesAsync(Bucket, $"builds/{execution}/{service}.zip", Encoding.UTF8.GetBytes(artifact));
        return new RecordVersionInput(service, execution, Commit, $"builds/{execution}/{service}.zip", $"builds/{execution}/service.yaml");
    }

    public Task<RecordVersionOutput> RecordAsync(RecordVersionInput input) => RecordVersion.HandleAsync(input, Context);

    public Task<ProvisionTablesOutput> ProvisionAsync(string label, string service = "orders") =>
        ProvisionTables.HandleAsync(new ProvisionTablesInput(service, label), Context);

    /// <summary>The registry, this stack's service tables and every object in the emulated S3.</summary>
    public Task<IReadOnlyList<string>> SnapshotAsync() =>
        StoreSnapshot.TakeAsync(_emulators.DynamoDb, _emulators.S3,
            table => table == RegistryTable || table.StartsWith(Prefix + "-", StringComparison.Ordinal));

    public string TableName(string table, string service = "orders") => Pipeline.Core.Manifest.TableSpec.PhysicalName(Prefix, service, table);
}
