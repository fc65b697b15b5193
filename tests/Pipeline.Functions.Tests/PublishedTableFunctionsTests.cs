using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Serialization.Metadata;
using Pipeline.Core.Registry;

namespace Pipeline.Functions.Tests;

/// <summary>
/// The published RecordVersion and ProvisionTables, each its own process behind the local Lambda
/// service as Lambda runs it, configured only by environment against dynalite and s3rver: what
/// the deploy state machine calls. The build output sits where CodeBuild leaves it,
/// <c>builds/&lt;service&gt;/&lt;execution&gt;/</c>, with the example orders service's service.yaml.
/// </summary>
[Collection(EmulatorFixture.Collection)]
public sealed class PublishedTableFunctionsTests(EmulatorFixture emulators)
{
    private const string Record = "RecordVersionFunction";
    private const string Provision = "ProvisionTablesFunction";

    private static readonly string OrdersExample =
        File.ReadAllText(Path.Combine(FunctionBinaries.RepositoryRoot, "examples", "services", "orders", "service.yaml"));

    private readonly ConcurrentQueue<string> _log = new();

    [Fact]
    public async Task RecordVersion_WhenTheBuildOutputIsInPlace_ShouldRecordALabelledVersionAndKeepTheArtifact()
    {
        var stack = await TestStack.CreateAsync(emulators);
        await using var lambda = await StartAsync(stack);

        var output = await RecordAsync(lambda, stack, "exec-1");

        Assert.Equal(("orders", "1.4.1-89abcde", 1L, "Recorded"), (output.Service, output.Label, output.Count, output.Status));
        Assert.Equal("artifacts/orders/1.4.1-89abcde/artifact.tgz", output.ArtifactKey);
        Assert.Equal("artifact of exec-1", await stack.Store.ReadTextAsync(output.ArtifactKey));
        Assert.Equal(OrdersExample, await stack.Store.ReadTextAsync(output.ManifestKey));
        var version = await stack.Registry.GetVersionAsync("orders", output.Label);
        Assert.Equal((TestStack.Commit, "exec-1", VersionStatus.Recorded), (version!.Commit, version.ExecutionId, version.Status));
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("artifact of exec-1")));
        Assert.Equal((digest, digest), (output.ArtifactSha256, version.ArtifactSha256));
        Assert.Null(version.ArtifactVersionId);
    }

    [Fact]
    public async Task RecordVersion_WhenAnotherExecutionClaimedTheArtifactKey_ShouldFailAsArtifactConflictWithoutWritingIt()
    {
        var stack = await TestStack.CreateAsync(emulators);
        await using var lambda = await StartAsync(stack);
        const string key = "artifacts/orders/1.4.1-89abcde/artifact.tgz";
        await stack.Registry.ClaimArtifactCopyAsync(key, "exec-other");
        await emulators.PutTextAsync(stack.Bucket, "builds/orders/exec-1/artifact.tgz", "artifact of exec-1");
        await emulators.PutTextAsync(stack.Bucket, "builds/orders/exec-1/service.yaml", OrdersExample);

        var result = await lambda.InvokeAsync(Record, Input("exec-1"));

        Assert.True(result.ErrorType == ArtifactConflictException.Name, Describe(result));
        Assert.Contains("exec-other", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Null(await stack.Store.HeadAsync(key));
        Assert.Null(await stack.Registry.GetVersionAsync("orders", "1.4.1-89abcde"));
    }

    [Fact]
    public async Task RecordVersion_WhenTheSameExecutionInvokesAgain_ShouldReturnTheSameLabelAndChangeNothing()
    {
        var stack = await TestStack.CreateAsync(emulators);
        await using var lambda = await StartAsync(stack);
        var first = await RecordAsync(lambda, stack, "exec-1");
        var before = await stack.SnapshotAsync();

        var again = Output(await lambda.InvokeAsync(Record, Input("exec-1")), RecordVersionJson.Default.RecordVersionOutput);

        Assert.Equal(first, again);
        Assert.Equal(before, await stack.SnapshotAsync());
        var next = await RecordAsync(lambda, stack, "exec-2");
        Assert.Equal("1.4.2-89abcde", next.Label);
    }

    [Fact]
    public async Task ProvisionTables_WhenTheOrdersExampleIsRecorded_ShouldCreateItsTableWithTheIndexAndRecordItOwned()
    {
        var stack = await TestStack.CreateAsync(emulators);
        await using var lambda = await StartAsync(stack);
        var recorded = await RecordAsync(lambda, stack, "exec-1");

        var output = await ProvisionAsync(lambda, recorded.Label);

        var created = Assert.Single(output.Tables);
        Assert.Equal((stack.TableName("orders"), "orders", "created"), (created.TableName, created.LogicalName, created.Action));
        var table = (await emulators.DynamoDb.DescribeTableAsync(stack.TableName("orders"))).Table;
        Assert.Equal("ACTIVE", table.TableStatus.Value);
        Assert.Equal(["orderId"], table.KeySchema.Select(k => k.AttributeName));
        Assert.Equal((2L, 1L), (table.ProvisionedThroughput.ReadCapacityUnits, table.ProvisionedThroughput.WriteCapacityUnits));
        var index = Assert.Single(table.GlobalSecondaryIndexes);
        Assert.Equal(("by-customer", "ACTIVE", "ALL"), (index.IndexName, index.IndexStatus.Value, index.Projection.ProjectionType.Value));
        Assert.Equal(["customerId", "createdAt"], index.KeySchema.Select(k => k.AttributeName));
        var owned = await stack.Registry.GetOwnedTableAsync(stack.TableName("orders"));
        Assert.Equal(("orders", 2L, 50L, 1L, 20L, 70), (owned!.Service, owned.MinRead, owned.MaxRead, owned.MinWrite, owned.MaxWrite, owned.TargetUtilization));
        Assert.Equal(["by-customer"], owned.Indexes);
    }

    [Fact]
    public async Task ProvisionTables_WhenTheKeySchemaChanges_ShouldFailWithTableSchemaConflictAndChangeNothing()
    {
        var stack = await TestStack.CreateAsync(emulators);
        await using var lambda = await StartAsync(stack);
        await ProvisionAsync(lambda, (await RecordAsync(lambda, stack, "exec-1")).Label);
        var changed = OrdersExample.Replace("partitionKey: { name: orderId, type: S }", "partitionKey: { name: orderId, type: N }", StringComparison.Ordinal);
        Assert.NotEqual(OrdersExample, changed);
        var next = await RecordAsync(lambda, stack, "exec-2", changed);
        var before = await stack.SnapshotAsync();

        var result = await lambda.InvokeAsync(Provision, Input(new ProvisionTablesInput("orders", next.Label)));

        Assert.True(result.ErrorType == TableSchemaConflictException.Name, Describe(result));
        Assert.Contains("has key [orderId (S)] but the manifest declares [orderId (N)]", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(before, await stack.SnapshotAsync());
    }

    private async Task<LocalLambdaService> StartAsync(TestStack stack)
    {
        // What template.yaml and the local stack give the functions: only endpoints, keys and names.
        var environment = new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL_DYNAMODB"] = emulators.DynamoDbEndpoint.ToString(),
            ["AWS_ENDPOINT_URL_S3"] = emulators.S3Endpoint.ToString(),
            ["AWS_ACCESS_KEY_ID"] = "S3RVER",
            ["AWS_SECRET_ACCESS_KEY"] = "S3RVER",
            ["PIPELINE_REGISTRY_TABLE"] = stack.RegistryTable,
            ["PIPELINE_ARTIFACT_BUCKET"] = stack.Bucket,
            ["PIPELINE_TABLE_PREFIX"] = stack.Prefix,
        };
        var functions = new List<FunctionDefinition>();
        foreach (var name in new[] { Record, Provision })
        {
            var published = await FunctionBinaries.PublishedAsync(name, AppContext.BaseDirectory);
            var merged = new Dictionary<string, string>(published.Environment);
            foreach (var (key, value) in environment)
            {
                merged[key] = value;
            }

            functions.Add(published with { Environment = merged, Timeout = TimeSpan.FromSeconds(60) });
        }

        return new LocalLambdaService(functions, new LocalLambdaOptions { Log = (function, line) => _log.Enqueue($"{function}: {line}") });
    }

    /// <summary>Leaves a build's output where CodeBuild would and invokes the tag step on it.</summary>
    private async Task<RecordVersionOutput> RecordAsync(LocalLambdaService lambda, TestStack stack, string execution, string? manifest = null)
    {
        var folder = $"builds/orders/{execution}/";
        await emulators.PutTextAsync(stack.Bucket, folder + "artifact.tgz", "artifact of " + execution);
        await emulators.PutTextAsync(stack.Bucket, folder + "service.yaml", manifest ?? OrdersExample);
        return Output(await lambda.InvokeAsync(Record, Input(execution)), RecordVersionJson.Default.RecordVersionOutput);
    }

    private async Task<ProvisionTablesOutput> ProvisionAsync(LocalLambdaService lambda, string label) =>
        Output(await lambda.InvokeAsync(Provision, Input(new ProvisionTablesInput("orders", label))),
            ProvisionTablesJson.Default.ProvisionTablesOutput);

    private static byte[] Input(string execution) => JsonSerializer.SerializeToUtf8Bytes(
        new RecordVersionInput("orders", execution, TestStack.Commit, $"builds/orders/{execution}/artifact.tgz", $"builds/orders/{execution}/service.yaml"),
        RecordVersionJson.Default.RecordVersionInput);

    private static byte[] Input(ProvisionTablesInput input) =>
        JsonSerializer.SerializeToUtf8Bytes(input, ProvisionTablesJson.Default.ProvisionTablesInput);

    private T Output<T>(InvokeResult result, JsonTypeInfo<T> type)
    {
        Assert.False(result.IsError, Describe(result));
        return JsonSerializer.Deserialize(result.Payload, type)!;
    }

    private string Describe(InvokeResult result) =>
        $"{result.ErrorType}: {Encoding.UTF8.GetString(result.Payload)}\nfunction log tail:\n{string.Join('\n', _log.TakeLast(20))}";
}
