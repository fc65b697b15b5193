using System.Security.Cryptography;
using Pipeline.Core.Versions;

namespace Pipeline.Core.Tests.Versions;

public sealed class VersionRecorderTests
{
    private const string Commit = "89abcdef0123456789abcdef0123456789abcdef";
    private const string Manifest = """
        name: orders
        port: 8080
        label: 1.4.${COUNT}-${git[:7]}
        routes: [ { pathPrefix: /orders } ]
        build: { artifact: dist/orders.zip }
        """;

    private readonly InMemoryRegistry _registry = new();
    private readonly InMemoryArtifactStore _store = new();
    private readonly VersionRecorder _recorder;

    public VersionRecorderTests()
    {
        _recorder = new VersionRecorder(_registry, _store, "pipeline", TimeProvider.System);
        _store.Put("builds/exec-1/orders.zip", "zip bytes");
        _store.Put("builds/exec-1/service.yaml", Manifest);
    }

    private static RecordVersionRequest Request(string execution = "exec-1") =>
        new("orders", execution, Commit, "builds/exec-1/orders.zip", "builds/exec-1/service.yaml");

    [Fact]
    public async Task RecordAsync_WhenFirstVersion_ShouldLabelAndStoreImmutably()
    {
        var version = await _recorder.RecordAsync(Request());

        Assert.Equal("1.4.1-89abcde", version.Label);
        Assert.Equal(1, version.Count);
        Assert.Equal("artifacts/orders/1.4.1-89abcde/orders.zip", version.ArtifactKey);
        Assert.Equal("artifacts/orders/1.4.1-89abcde/service.yaml", version.ManifestKey);
        Assert.Equal("zip bytes", await _store.ReadTextAsync(version.ArtifactKey));
        Assert.Equal(Manifest, await _store.ReadTextAsync(version.ManifestKey));
        Assert.Equal(VersionRecorder.Hash(Manifest), version.ManifestHash);
        Assert.Equal(VersionStatus.Recorded, version.Status);
        Assert.Equal("1.4.1-89abcde", (await _registry.GetServiceAsync("orders"))!.LatestLabel);
        Assert.Empty(await _registry.ListRouteClaimsAsync()); // claimed only when a version goes live
    }

    [Fact]
    public async Task RecordAsync_WhenCompositeServiceLeftOnlyItsManifest_ShouldRecordTheManifestAsTheVersion()
    {
        const string composite = "name: orders\ncompose:\n  - path: /orders-view/{id}\n    calls: { o: { service: catalog, path: /items } }\n";
        _store.Put("builds/exec-9/service.yaml", composite);

        var version = await _recorder.RecordAsync(new RecordVersionRequest("orders", "exec-9", Commit, "builds/exec-9/artifact.tgz", "builds/exec-9/service.yaml"));

        Assert.Equal("artifacts/orders/1/service.yaml", version.ManifestKey);
        Assert.Equal(version.ManifestKey, version.ArtifactKey);
        Assert.Equal(VersionRecorder.Hash(composite), version.ArtifactSha256);
        Assert.Equal(composite, await _store.ReadTextAsync(version.ManifestKey));
    }

    [Fact]
    public async Task RecordAsync_WhenARegularServiceLeftNoArtifact_ShouldRefuseIt()
    {
        _store.Put("builds/exec-9/service.yaml", Manifest);

        var error = await Assert.ThrowsAsync<ArtifactNotFoundException>(() =>
            _recorder.RecordAsync(new RecordVersionRequest("orders", "exec-9", Commit, "builds/exec-9/artifact.tgz", "builds/exec-9/service.yaml")));

        Assert.Contains("left no artifact at builds/exec-9/artifact.tgz", error.Message, StringComparison.Ordinal);
        Assert.Empty(await _registry.ListVersionsAsync("orders"));
    }

    [Fact]
    public async Task RecordAsync_WhenSameExecutionRunsAgain_ShouldReturnSameLabelWithoutAllocating()
    {
        var first = await _recorder.RecordAsync(Request());

        var again = await _recorder.RecordAsync(Request());

        Assert.Equal(first, again);
        Assert.Equal(1, await _registry.GetCountAsync("orders"));
    }

    [Fact]
    public async Task RecordAsync_WhenNewExecutions_ShouldGiveConsecutiveLabels()
    {
        var labels = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            labels.Add((await _recorder.RecordAsync(Request($"exec-{i}"))).Label);
        }

        Assert.Equal(["1.4.1-89abcde", "1.4.2-89abcde", "1.4.3-89abcde"], labels);
        Assert.Equal(3, (await _registry.ListVersionsAsync("orders"))[0].Count);
    }

    [Fact]
    public async Task RecordAsync_WhenManifestMissing_ShouldThrowArtifactNotFoundAndChangeNothing()
    {
        var before = _registry.Snapshot();

        var error = await Assert.ThrowsAsync<ArtifactNotFoundException>(() =>
            _recorder.RecordAsync(Request() with { ManifestKey = "builds/none/service.yaml" }));

        Assert.Contains("builds/none/service.yaml", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _registry.Snapshot());
        Assert.Equal(0, _registry.Writes);
    }

    [Fact]
    public async Task RecordAsync_WhenManifestInvalid_ShouldThrowManifestInvalidAndChangeNothing()
    {
        _store.Put("builds/exec-1/service.yaml", "name: orders\nport: 80\nbuild: { artifact: x }\nreplicas: 2\n");

        var error = await Assert.ThrowsAsync<ManifestInvalidException>(() => _recorder.RecordAsync(Request()));

        Assert.Equal("builds/exec-1/service.yaml:4:1: replicas: unknown field; service.yaml accepts auth, build, compose, env, health, instances, label, name, port, routes, start, tables, versionPath",
            Assert.Single(error.Errors).ToString());
        Assert.Equal(0, _registry.Writes);
        Assert.Equal(2, _store.Objects.Count);
    }

    [Fact]
    public async Task RecordAsync_WhenRouteOwnedByAnotherService_ShouldNameBothAndChangeNothing()
    {
        await _registry.ClaimRoutesAsync("billing", ["*/orders"]);
        var before = _registry.Snapshot();

        var error = await Assert.ThrowsAsync<OwnershipConflictException>(() => _recorder.RecordAsync(Request()));

        Assert.Equal("routes[0]: route */orders is owned by service billing; service orders cannot claim it",
            Assert.Single(error.Conflicts));
        Assert.Equal(before, _registry.Snapshot());
        Assert.Equal(2, _store.Objects.Count);
    }

    [Theory]
    [InlineData("*/orders/")]
    [InlineData("*/orders")]
    public async Task RecordAsync_WhenAnotherServiceClaimedTheRouteWithATrailingSlash_ShouldRefuseIt(string claimed)
    {
        await _registry.ClaimRoutesAsync("billing", [claimed]);
        _store.Put("builds/exec-1/service.yaml", Manifest.Replace("/orders }", "/orders/ }", StringComparison.Ordinal));
        var before = _registry.Snapshot();

        var error = await Assert.ThrowsAsync<OwnershipConflictException>(() => _recorder.RecordAsync(Request()));

        Assert.Equal("routes[0]: route */orders is owned by service billing; service orders cannot claim it", Assert.Single(error.Conflicts));
        Assert.Equal(before, _registry.Snapshot());
    }

    [Fact]
    public async Task RecordAsync_WhenPrefixHasATrailingSlash_ShouldCheckTheNormalizedKeyAndClaimNothing()
    {
        await _registry.ClaimRoutesAsync("billing", ["*/orders"]);
        _store.Put("builds/exec-1/service.yaml", Manifest.Replace("/orders }", "/orders/ }", StringComparison.Ordinal));

        await Assert.ThrowsAsync<OwnershipConflictException>(() => _recorder.RecordAsync(Request()));

        Assert.Equal([new RouteClaim("*/orders", "billing")], await _registry.ListRouteClaimsAsync());
    }

    [Fact]
    public async Task RecordAsync_WhenRecorded_ShouldKeepTheDigestOfTheCopiedArtifact()
    {
        var version = await _recorder.RecordAsync(Request());

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("zip bytes"))), version.ArtifactSha256);
        Assert.Equal(version.ArtifactSha256, (await _registry.GetVersionAsync("orders", version.Label))!.ArtifactSha256);
    }

    [Fact]
    public async Task RecordAsync_WhenAnotherExecutionClaimedTheArtifactKey_ShouldRefuseWithoutCopying()
    {
        await _registry.ClaimArtifactCopyAsync("artifacts/orders/1.4.1-89abcde/orders.zip", "exec-other");

        var error = await Assert.ThrowsAsync<ArtifactConflictException>(() => _recorder.RecordAsync(Request()));

        Assert.Contains("exec-other", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _store.Copies);
        Assert.False(_store.Objects.ContainsKey("artifacts/orders/1.4.1-89abcde/orders.zip"));
    }

    [Fact]
    public async Task RecordAsync_WhenTheKeyHoldsBytesNoExecutionRecorded_ShouldWriteTheArtifactAndRecordItsDigest()
    {
        // S3 objects are not the guard (emulators ignore conditional PUTs): bytes someone left at
        // the key are replaced, and the version records the digest of what the pipeline wrote.
        _store.Put("artifacts/orders/1.4.1-89abcde/orders.zip", "planted");

        var version = await _recorder.RecordAsync(Request());

        Assert.Equal("zip bytes", await _store.ReadTextAsync(version.ArtifactKey));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("zip bytes"))), version.ArtifactSha256);
    }

    [Fact]
    public async Task RecordAsync_WhenARetryFindsItsCompletedCopy_ShouldReuseItsDigestWithoutCopyingAgain()
    {
        const string key = "artifacts/orders/1.4.1-89abcde/orders.zip";
        await _registry.AllocateCountAsync("orders", "exec-1");
        var claim = await _registry.ClaimArtifactCopyAsync(key, "exec-1");
        await _registry.CompleteArtifactCopyAsync(claim with { Sha256 = new string('a', 64), Size = 9 });

        var version = await _recorder.RecordAsync(Request());

        Assert.Equal((key, new string('a', 64)), (version.ArtifactKey, version.ArtifactSha256));
        Assert.Equal(0, _store.Copies);
    }
}
