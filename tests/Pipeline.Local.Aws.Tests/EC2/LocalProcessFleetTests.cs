using Pipeline.Core.Errors;

namespace Pipeline.Local.Aws.Tests.EC2;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes test classes through IAsyncLifetime.")]
public sealed class LocalProcessFleetTests : IAsyncLifetime
{
    private readonly FleetFixture _fixture = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _fixture.DisposeAsync();
    }

    private static string Url(FleetInstance i, string path) => $"http://{i.Address}:{i.Port}{path}";

    [Fact]
    public async Task Launch_WhenCountIsTwo_ShouldStartTwoProcessesOnTheirOwnPortsWithTheManifestEnvironment()
    {
        var instances = await _fixture.Fleet.LaunchAsync(
            FleetFixture.Spec(env: new Dictionary<string, string> { ["TABLE_ORDERS"] = "pipeline-svc-orders" }), 2, CancellationToken.None);

        Assert.Equal(2, instances.Count);
        Assert.NotEqual(instances[0].Port, instances[1].Port);
        Assert.NotEqual(instances[0].ProcessId, instances[1].ProcessId);
        Assert.All(instances, i => Assert.Matches("^i-[0-9a-f]{17}$", i.InstanceId));
        foreach (var instance in instances)
        {
            Assert.Equal($"svc 1.0.1-abc {instance.InstanceId}", await Eventually.GetWhenUpAsync(_http, Url(instance, "/version")));
            Assert.Equal("pipeline-svc-orders", await _http.GetStringAsync(new Uri(Url(instance, "/env?name=TABLE_ORDERS"))));
            Assert.Equal("(unset)", await _http.GetStringAsync(new Uri(Url(instance, "/env?name=DOTNET_ROOT"))));
        }
    }

    [Fact]
    public async Task Launch_WhenTheSpecReadsASecret_ShouldStartTheProcessWithTheStoredValue()
    {
        const string value = "pa ss\nword $(id) \"quoted\"";
        _fixture.Parameters.Put("/stack/svc/db-password", value);

        var instance = (await _fixture.Fleet.LaunchAsync(
            FleetFixture.Spec() with { Secrets = new Dictionary<string, string> { ["DB_PASSWORD"] = "/stack/svc/db-password" } },
            1, CancellationToken.None))[0];

        await Eventually.GetWhenUpAsync(_http, Url(instance, "/version"));
        Assert.Equal(value, await _http.GetStringAsync(new Uri(Url(instance, "/env?name=DB_PASSWORD"))));
    }

    [Fact]
    public async Task Launch_WhenASecretIsNotStored_ShouldStartNothingAndNameTheParameter()
    {
        _fixture.Parameters.Put("/stack/svc/other", "x");

        var error = await Assert.ThrowsAsync<Pipeline.Core.Errors.LaunchFailedException>(() => _fixture.Fleet.LaunchAsync(
            FleetFixture.Spec() with { Secrets = new Dictionary<string, string> { ["DB_PASSWORD"] = "/stack/svc/db-password" } },
            2, CancellationToken.None));

        Assert.Contains("env.DB_PASSWORD reads parameter /stack/svc/db-password, which the local parameter store does not hold", error.Message, StringComparison.Ordinal);
        Assert.Empty(_fixture.Fleet.Describe("svc"));
    }

    [Fact]
    public async Task Launch_WhenAnInstanceCrashes_ShouldRecordItStoppedAndNeverRestartIt()
    {
        var instance = (await _fixture.Fleet.LaunchAsync(FleetFixture.Spec(), 1, CancellationToken.None))[0];
        await Eventually.GetWhenUpAsync(_http, Url(instance, "/version"));

        await _http.GetStringAsync(new Uri(Url(instance, "/crash")));
        var after = await Eventually.WaitForAsync(() => _fixture.Fleet.Find(instance.InstanceId)!, i => i.State == "stopped", TimeSpan.FromSeconds(20));
        await Task.Delay(500);

        Assert.Equal("stopped", after.State);
        Assert.Equal(3, after.ExitCode);
        Assert.Contains("not restarted", after.StateReason, StringComparison.Ordinal);
        Assert.Null(await Eventually.GetAsync(_http, Url(instance, "/version")));
        Assert.Single(_fixture.Fleet.Describe("svc"));
    }

    [Fact]
    public async Task Terminate_WhenInstanceRuns_ShouldStopItGracefullyWithSigterm()
    {
        var instance = (await _fixture.Fleet.LaunchAsync(FleetFixture.Spec(), 1, CancellationToken.None))[0];
        await Eventually.GetWhenUpAsync(_http, Url(instance, "/version"));

        await _fixture.Fleet.TerminateAsync([instance.InstanceId], CancellationToken.None);

        var after = _fixture.Fleet.Find(instance.InstanceId)!;
        Assert.Equal("terminated", after.State);
        Assert.Equal(0, after.ExitCode);
        Assert.Contains("graceful shutdown", await File.ReadAllTextAsync(after.LogPath), StringComparison.Ordinal);
        Assert.Null(await Eventually.GetAsync(_http, Url(instance, "/version")));
    }

    [Fact]
    public async Task Launch_WhenArtifactIsMissing_ShouldFailNamingIt()
    {
        var error = await Assert.ThrowsAsync<LaunchFailedException>(() =>
            _fixture.Fleet.LaunchAsync(FleetFixture.Spec() with { ArtifactKey = "nope.zip" }, 1, CancellationToken.None));

        Assert.Contains("s3://artifacts/nope.zip does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Launch_WhenEntryIsMissing_ShouldFailNamingWhatItLookedFor()
    {
        var error = await Assert.ThrowsAsync<LaunchFailedException>(() =>
            _fixture.Fleet.LaunchAsync(FleetFixture.Spec() with { Entry = "dist/main.js" }, 1, CancellationToken.None));

        Assert.Contains("no entry script (looked for dist/main.js)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Launch_WhenTheArtifactIsAGzipTarWithAStartCommand_ShouldUnpackItAndRunTheCommand()
    {
        var server = await File.ReadAllTextAsync(Fixture.Path("service", "server.js"));
        _fixture.PutArtifact(
            "artifacts/svc/2/artifact.tgz",
            TarFile.Text("package.json", """{"main": "missing.js"}"""),
            TarFile.Text("app/server.js", server),
            TarFile.Text("service.yaml", "name: svc\nport: 8080\nstart: node app/server.js\n"));

        var instance = (await _fixture.Fleet.LaunchAsync(
            FleetFixture.Spec("2") with { ArtifactKey = "artifacts/svc/2/artifact.tgz", Start = "node  app/server.js" }, 1, CancellationToken.None))[0];

        Assert.Equal($"svc 2 {instance.InstanceId}", await Eventually.GetWhenUpAsync(_http, Url(instance, "/version")));
        var app = Path.Combine(Path.GetDirectoryName(instance.LogPath)!, "app");
        Assert.Equal(server, await File.ReadAllTextAsync(Path.Combine(app, "app", "server.js")));
        Assert.True(File.Exists(Path.Combine(app, "service.yaml")));
    }

    [Fact]
    public async Task Launch_WhenTheStartCommandRunsAScriptTheArtifactLacks_ShouldFailNamingIt()
    {
        var error = await Assert.ThrowsAsync<LaunchFailedException>(() =>
            _fixture.Fleet.LaunchAsync(FleetFixture.Spec() with { Start = "node dist/main.js" }, 1, CancellationToken.None));

        Assert.Equal("svc 1.0.1-abc: start 'node dist/main.js' runs dist/main.js, which the artifact does not contain", error.Message);
        Assert.Empty(_fixture.Fleet.Describe());
    }

    [Theory]
    [InlineData("../escape.js")]
    [InlineData("app/../../escape.js")]
    [InlineData("/tmp/escape.js")]
    public async Task Launch_WhenAnArtifactEntryEscapesTheInstanceDirectory_ShouldRefuseTheArtifact(string name)
    {
        _fixture.PutArtifact("artifacts/svc/evil/artifact.tgz", TarFile.Text("server.js", "process.exit(0)"), TarFile.Text(name, "pwned"));

        var error = await Assert.ThrowsAsync<LaunchFailedException>(() =>
            _fixture.Fleet.LaunchAsync(FleetFixture.Spec("evil") with { ArtifactKey = "artifacts/svc/evil/artifact.tgz" }, 1, CancellationToken.None));

        Assert.Equal(
            $"svc evil: artifact entry '{name}' would land outside the instance directory; refusing to unpack the artifact", error.Message);
        Assert.Equal("Pipeline.LaunchFailed", error.ErrorType);
        Assert.Empty(_fixture.Fleet.Describe());
        Assert.Empty(Directory.EnumerateFiles(_fixture.Root, "escape.js", SearchOption.AllDirectories));
        Assert.False(File.Exists("/tmp/escape.js") && await File.ReadAllTextAsync("/tmp/escape.js") == "pwned");
    }

    [Fact]
    public async Task Launch_WhenASymbolicLinkPointsOutOfTheInstanceDirectory_ShouldRefuseTheArtifact()
    {
        _fixture.PutArtifact("artifacts/svc/link/artifact.tgz", TarFile.Text("server.js", "process.exit(0)"), TarFile.Link("etc", "../../.."));

        var error = await Assert.ThrowsAsync<LaunchFailedException>(() =>
            _fixture.Fleet.LaunchAsync(FleetFixture.Spec("link") with { ArtifactKey = "artifacts/svc/link/artifact.tgz" }, 1, CancellationToken.None));

        Assert.Equal("svc link: artifact entry 'etc' is a symbolic link to '../../..'; an artifact holds only files and directories, so links are refused", error.Message);
    }

    [Fact]
    public async Task Launch_WhenAChainOfLinksEachPointingInsideWouldEscape_ShouldRefuseTheFirstLinkAndWriteNothingOutside()
    {
        // Each link on its own resolves inside the app directory; together they make b the directory two
        // levels above it, so b/x would be written there.
        _fixture.PutArtifact("artifacts/svc/chain/artifact.tgz",
            TarFile.Text("server.js", "process.exit(0)"), TarFile.Link("a", "."), TarFile.Link("a/a/b", "../.."), TarFile.Text("b/x", "pwned"));

        var error = await Assert.ThrowsAsync<LaunchFailedException>(() =>
            _fixture.Fleet.LaunchAsync(FleetFixture.Spec("chain") with { ArtifactKey = "artifacts/svc/chain/artifact.tgz" }, 1, CancellationToken.None));

        Assert.Equal("svc chain: artifact entry 'a' is a symbolic link to '.'; an artifact holds only files and directories, so links are refused", error.Message);
        Assert.Equal("Pipeline.LaunchFailed", error.ErrorType);
        Assert.Empty(_fixture.Fleet.Describe());
        Assert.Empty(Directory.EnumerateFiles(_fixture.Root, "x", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Launch_WhenAnArtifactHasAHardLink_ShouldRefuseItWithoutCopyingTheTarget()
    {
        var secret = Path.Combine(_fixture.Root, "secret.txt");
        await File.WriteAllTextAsync(secret, "outside");
        _fixture.PutArtifact("artifacts/svc/hard/artifact.tgz", TarFile.Text("server.js", "process.exit(0)"), TarFile.HardLink("copy.txt", secret));

        var error = await Assert.ThrowsAsync<LaunchFailedException>(() =>
            _fixture.Fleet.LaunchAsync(FleetFixture.Spec("hard") with { ArtifactKey = "artifacts/svc/hard/artifact.tgz" }, 1, CancellationToken.None));

        Assert.Equal($"svc hard: artifact entry 'copy.txt' is a hard link to '{secret}'; an artifact holds only files and directories, so links are refused", error.Message);
        Assert.Empty(Directory.EnumerateFiles(_fixture.Root, "copy.txt", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Launch_WhenAHardLinkNamesAnEarlierEntry_ShouldStillRefuseIt()
    {
        _fixture.PutArtifact("artifacts/svc/hard2/artifact.tgz", TarFile.Text("server.js", "process.exit(0)"), TarFile.HardLink("main.js", "server.js"));

        var error = await Assert.ThrowsAsync<LaunchFailedException>(() =>
            _fixture.Fleet.LaunchAsync(FleetFixture.Spec("hard2") with { ArtifactKey = "artifacts/svc/hard2/artifact.tgz" }, 1, CancellationToken.None));

        Assert.Contains("artifact entry 'main.js' is a hard link to 'server.js'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Launch_WhenTheArtifactIsNotTheRecordedOne_ShouldStartNothingAndNameBothDigests()
    {
        var recorded = await DigestAsync(FleetFixture.Key);
        _fixture.PutArtifact(FleetFixture.Key, TarFile.Text("server.js", "require('child_process').execSync('touch pwned')"));

        var error = await Assert.ThrowsAsync<LaunchFailedException>(() =>
            _fixture.Fleet.LaunchAsync(FleetFixture.Spec() with { ArtifactSha256 = recorded }, 1, CancellationToken.None));

        Assert.Contains($"not the recorded {recorded}; nothing was started", error.Message, StringComparison.Ordinal);
        Assert.Contains(await DigestAsync(FleetFixture.Key), error.Message, StringComparison.Ordinal);
        Assert.Empty(_fixture.Fleet.Describe());
        Assert.DoesNotContain(Directory.EnumerateFiles(_fixture.Root, "artifact.tgz", SearchOption.AllDirectories),
            f => f.Contains(Path.Combine("fleet", "svc"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Launch_WhenTheArtifactHasTheRecordedDigest_ShouldStartIt()
    {
        var instance = (await _fixture.Fleet.LaunchAsync(
            FleetFixture.Spec() with { ArtifactSha256 = await DigestAsync(FleetFixture.Key) }, 1, CancellationToken.None))[0];

        Assert.Equal("running", instance.State);
    }

    private async Task<string> DigestAsync(string key)
    {
        var copy = Path.Combine(_fixture.Root, "digest-" + Guid.NewGuid().ToString("N"));
        await _fixture.Store.GetFileAsync(FleetFixture.Bucket, key, copy, CancellationToken.None);
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(copy)));
        File.Delete(copy);
        return digest;
    }

    [Fact]
    public async Task Launch_WhenTheArtifactIsNotAGzipTar_ShouldFailSayingSo()
    {
        _fixture.PutObject("artifacts/svc/zip/artifact.tgz", [0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]);

        var error = await Assert.ThrowsAsync<LaunchFailedException>(() =>
            _fixture.Fleet.LaunchAsync(FleetFixture.Spec("zip") with { ArtifactKey = "artifacts/svc/zip/artifact.tgz" }, 1, CancellationToken.None));

        Assert.StartsWith("svc zip: the artifact is not a gzip tar (", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describe_WhenVersionsDiffer_ShouldFilterByServiceAndVersion()
    {
        await _fixture.Fleet.LaunchAsync(FleetFixture.Spec("1"), 1, CancellationToken.None);
        await _fixture.Fleet.LaunchAsync(FleetFixture.Spec("2"), 2, CancellationToken.None);

        Assert.Equal(3, _fixture.Fleet.Describe("svc").Count);
        Assert.Equal(2, _fixture.Fleet.Describe("svc", "2").Count);
        Assert.Empty(_fixture.Fleet.Describe("other"));
    }
}
