using Pipeline.Core.Manifest;

namespace Pipeline.Aws.Tests.Deploy;

[Collection(EmulatorFixture.Collection)]
public sealed class VersionResolverTests(EmulatorFixture emulators)
{
    private const string Commit = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";

    private const string ManifestV1 = """
        name: orders
        port: 3000
        build: { artifact: dist }
        """;

    private const string ManifestV2 = """
        name: orders
        port: 8080
        health: { path: /healthz, intervalSeconds: 20, timeoutSeconds: 5, healthyThreshold: 4, unhealthyThreshold: 3 }
        instances: { count: 3 }
        build: { artifact: dist }
        """;

    [Fact]
    public async Task ResolveAsync_WhenFirstDeploy_ShouldGiveTheVersionsOwnSettingsAndNoPrevious()
    {
        var registry = await RegistryAsync();
        await RecordAsync(registry, "1.0.1-0d1a26e", 1, ManifestV1);

        var resolved = await Resolve(registry, "1.0.1-0d1a26e");

        Assert.Equal("1.0.1-0d1a26e", resolved.Label);
        Assert.Equal(1, resolved.Count);
        Assert.Equal(Commit, resolved.Commit);
        Assert.Equal("artifacts/orders/1.0.1-0d1a26e/artifact.tgz", resolved.ArtifactKey);
        Assert.Equal(3000, resolved.Port);
        Assert.Equal(TargetGroupNames.For("pipeline", "orders", 1), resolved.TargetGroupName);
        Assert.Equal("Recorded", resolved.Status);
        Assert.False(resolved.AlreadyLive);
        Assert.Null(resolved.PreviousLabel);
        Assert.Null(resolved.PreviousTargetGroupName);
    }

    [Fact]
    public async Task ResolveAsync_WhenAnotherVersionIsLive_ShouldNameItAsPrevious()
    {
        var registry = await TwoVersionsAsync(live: "1.0.1-0d1a26e");

        var resolved = await Resolve(registry, "1.0.2-0d1a26e");

        Assert.Equal("1.0.1-0d1a26e", resolved.PreviousLabel);
        Assert.Equal(TargetGroupNames.For("pipeline", "orders", 1), resolved.PreviousTargetGroupName);
        Assert.Equal(TargetGroupNames.For("pipeline", "orders", 2), resolved.TargetGroupName);
        Assert.Equal(8080, resolved.Port);
        Assert.Equal(3, resolved.InstanceCount);
        Assert.Equal(new TargetHealthSettings("/healthz", 20, 5, 4, 3), resolved.Health);
        Assert.Equal(HealthCheck.DefaultGraceSeconds + (2 * 20 * 4), resolved.HealthDeadlineSeconds);
    }

    [Fact]
    public async Task ResolveAsync_WhenManifestSetsAGracePeriod_ShouldCountItInsteadOfTheDefault()
    {
        var registry = await RegistryAsync();
        await RecordAsync(registry, "1.0.1-0d1a26e", 1, """
            name: orders
            port: 3000
            health: { intervalSeconds: 5, healthyThreshold: 2, graceSeconds: 15 }
            build: { artifact: dist }
            """);

        var resolved = await Resolve(registry, "1.0.1-0d1a26e");

        Assert.Equal(15 + (2 * 5 * 2), resolved.HealthDeadlineSeconds);
    }

    [Fact]
    public async Task ResolveAsync_WhenRollingBackToAnOlderVersion_ShouldUseThatVersionsManifest()
    {
        var registry = await TwoVersionsAsync(live: "1.0.2-0d1a26e");

        var resolved = await Resolve(registry, "1.0.1-0d1a26e");

        Assert.Equal(3000, resolved.Port);
        Assert.Equal(1, resolved.InstanceCount);
        Assert.Equal("1.0.2-0d1a26e", resolved.PreviousLabel);
        Assert.Equal(TargetGroupNames.For("pipeline", "orders", 2), resolved.PreviousTargetGroupName);
    }

    [Fact]
    public async Task ResolveAsync_WhenVersionIsAlreadyLive_ShouldSaySoWithNoPrevious()
    {
        var registry = await RegistryAsync();
        await RecordAsync(registry, "1.0.1-0d1a26e", 1, ManifestV1);
        await MarkLiveAsync(registry, "1.0.1-0d1a26e");

        var resolved = await Resolve(registry, "1.0.1-0d1a26e");

        Assert.True(resolved.AlreadyLive);
        Assert.Null(resolved.PreviousLabel);
    }

    [Fact]
    public async Task ResolveAsync_WhenLabelIsUnknown_ShouldThrowVersionNotFoundListingRecentOnes()
    {
        var registry = await RegistryAsync();
        await RecordAsync(registry, "1.0.1-0d1a26e", 1, ManifestV1);

        var error = await Assert.ThrowsAsync<VersionNotFoundException>(
            () => Resolve(registry, "9.9.9"));

        Assert.Equal("Pipeline.VersionNotFound", error.ErrorType);
        Assert.Contains("'9.9.9'", error.Message, StringComparison.Ordinal);
        Assert.Contains("1.0.1-0d1a26e", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_WhenServiceIsUnknown_ShouldThrowVersionNotFound()
    {
        var registry = await RegistryAsync();

        var error = await Assert.ThrowsAsync<VersionNotFoundException>(
            () => new VersionResolver(registry, "pipeline").ResolveAsync("ghost", "1.0.0"));

        Assert.Contains("ghost has no recorded versions", error.Message, StringComparison.Ordinal);
    }

    private static Task<ResolvedVersion> Resolve(IRegistry registry, string label) =>
        new VersionResolver(registry, "pipeline").ResolveAsync("orders", label);

    /// <summary>Versions 1.0.1 (ManifestV1) and 1.0.2 (ManifestV2) recorded, <paramref name="live"/> live.</summary>
    private async Task<DynamoDbRegistry> TwoVersionsAsync(string live)
    {
        var registry = await RegistryAsync();
        await RecordAsync(registry, "1.0.1-0d1a26e", 1, ManifestV1);
        await RecordAsync(registry, "1.0.2-0d1a26e", 2, ManifestV2);
        await MarkLiveAsync(registry, live);
        return registry;
    }

    private static async Task MarkLiveAsync(DynamoDbRegistry registry, string label) =>
        Assert.True(await registry.MarkLiveAsync("orders", label, null));

    private async Task<DynamoDbRegistry> RegistryAsync()
    {
        var table = EmulatorFixture.UniqueName("registry");
        await DynamoDbRegistry.EnsureTableAsync(emulators.DynamoDb, table);
        return new DynamoDbRegistry(emulators.DynamoDb, table);
    }

    internal static async Task RecordAsync(IRegistry registry, string label, long count, string manifest)
    {
        await registry.AllocateCountAsync("orders", "exec-" + label);
        var now = DateTimeOffset.UtcNow;
        var identity = new VersionIdentity(
            "orders", label, count, Commit, $"artifacts/orders/{label}/artifact.tgz", $"artifacts/orders/{label}/service.yaml", "hash-" + label);
        await registry.RecordVersionAsync(VersionRecord.Recorded(identity, manifest, "exec-" + label, now));
    }
}
