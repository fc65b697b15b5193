using System.Formats.Tar;
using Amazon.S3.Model;

namespace Pipeline.Local.Aws.Tests.CodeBuild;

/// <summary>
/// The build contract of statemachines/README.md, over real git and s3rver: the deploy machine's
/// own BuildAndTest parameters, resolved as Step Functions would, build an example service and
/// leave exactly <c>builds/&lt;service&gt;/&lt;execution&gt;/artifact.tgz</c> and <c>.../service.yaml</c>.
/// </summary>
[Collection(EmulatorFixture.Collection)]
public sealed class DeployContractBuildTests(EmulatorFixture emulators) : IDisposable
{
    private const string Project = "pipeline-build";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("orders")]
    [InlineData("catalog")]
    public async Task StartBuildSync_WhenTheDeployMachineBuildsAnExampleService_ShouldLeaveOnlyTheArtifactAndTheManifest(string service)
    {
        var bucket = await emulators.CreateBucketAsync("artifacts");
        var host = new LocalGitHost(_temp.Combine("state"));
        var work = await WorkingCopy.CloneAsync(await host.CreateRepositoryAsync(service), _temp.Combine("work"));
        var example = Path.Combine(Fixture.RepositoryRoot(), "examples", "services", service);
        var commit = await work.CommitAsync(service, ExampleFiles(example));
        await work.GitAsync("push", "--quiet", "origin", "main");
        var execution = $"{service}-{Guid.NewGuid():N}";
        var runner = new LocalBuildRunner(
            _temp.Combine("state"), [new BuildProject(Project, "unused", "unused")], new GitHostBuildSources(host),
            new S3ArtifactBucket(emulators.S3), new StackContext());

        var run = await runner.StartBuildSyncAsync(
            StartBuildRequest.FromJson(BuildAndTestParameters(bucket, service, commit, execution)), CancellationToken.None);

        Assert.True(run.Succeeded, run.FailureCause());
        var prefix = $"builds/{service}/{execution}/";
        var listing = await emulators.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal([prefix + "artifact.tgz", prefix + "service.yaml"], listing.S3Objects.Select(o => o.Key).Order(StringComparer.Ordinal));
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(example, "service.yaml")), await ReadTextAsync(bucket, prefix + "service.yaml"));
        // The locked dependencies travel in the artifact, the vendored kit as real files: instances run no npm and refuse links.
        var entries = await TarEntriesAsync(bucket, prefix + "artifact.tgz");
        Assert.Equal(["node_modules", "package.json", "server.js", "service.yaml"], entries.Select(e => e.Name.Split('/')[0]).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(entries, e => e.Name == "node_modules/@pipeline/service-kit/index.js" && e.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile);
        Assert.DoesNotContain(entries, e => e.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink);
        Assert.Equal($"arn:aws:s3:::{bucket}/builds/{service}/{execution}", run.Build.Artifacts.Location);
    }

    /// <summary>BuildAndTest's Parameters from the definition, resolved for one execution.</summary>
    private static JsonNode BuildAndTestParameters(string bucket, string service, string commit, string execution)
    {
        var definition = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixture.RepositoryRoot(), "statemachines", "deploy-service.asl.json")))!;
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["${BuildProjectName}"] = Project,
            ["${ArtifactBucketName}"] = bucket,
            ["$.request.commit"] = commit,
            ["$.request.service"] = service,
            ["$.source.type"] = "CODECOMMIT",
            ["$.source.location"] = $"https://git-codecommit.us-east-1.amazonaws.com/v1/repos/{service}",
            ["$$.Execution.Name"] = execution,
            ["States.Format('builds/{}/{}/', $.request.service, $$.Execution.Name)"] = $"builds/{service}/{execution}/",
            ["States.Format('builds/{}', $.request.service)"] = $"builds/{service}",
        };
        return Resolve(definition["States"]!["BuildAndTest"]!["Parameters"]!, values);
    }

    // Only the expressions listed resolve: a machine that changes its build parameters fails here
    // until this test, and the local runner, are looked at again.
    private static JsonNode Resolve(JsonNode node, Dictionary<string, string> values) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => p.Key.EndsWith(".$", StringComparison.Ordinal)
            ? KeyValuePair.Create(p.Key[..^2], (JsonNode?)Lookup(values, p.Value!.GetValue<string>()))
            : KeyValuePair.Create(p.Key, (JsonNode?)Resolve(p.Value!, values)))),
        JsonArray array => new JsonArray([.. array.Select(i => Resolve(i!, values))]),
        JsonValue value when value.TryGetValue<string>(out var text) && text.StartsWith("${", StringComparison.Ordinal) => Lookup(values, text),
        _ => node.DeepClone(),
    };

    private static JsonValue Lookup(Dictionary<string, string> values, string expression) =>
        JsonValue.Create(values.TryGetValue(expression, out var value) ? value
            : throw new InvalidOperationException($"BuildAndTest uses '{expression}', which this test does not resolve"));

    private static Dictionary<string, string> ExampleFiles(string example) =>
        Directory.EnumerateFiles(example, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(example, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Contains("node_modules") && !f.EndsWith(".tgz", StringComparison.Ordinal))
            .ToDictionary(f => f, f => File.ReadAllText(Path.Combine(example, f)));

    private async Task<string> ReadTextAsync(string bucket, string key)
    {
        using var response = await emulators.S3.GetObjectAsync(bucket, key);
        using var reader = new StreamReader(response.ResponseStream);
        return await reader.ReadToEndAsync();
    }

    private async Task<(string Name, TarEntryType EntryType)[]> TarEntriesAsync(string bucket, string key)
    {
        using var response = await emulators.S3.GetObjectAsync(bucket, key);
        await using var gzip = new GZipStream(response.ResponseStream, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        var entries = new List<(string, TarEntryType)>();
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            entries.Add((entry.Name, entry.EntryType));
        }

        return [.. entries];
    }
}
