using Pipeline.Core.Errors;
using Pipeline.Local.Stack.Fleet;

namespace Pipeline.Local.Stack.Tests.Fleet;

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
    public async Task Describe_WhenVersionsDiffer_ShouldFilterByServiceAndVersion()
    {
        await _fixture.Fleet.LaunchAsync(FleetFixture.Spec("1"), 1, CancellationToken.None);
        await _fixture.Fleet.LaunchAsync(FleetFixture.Spec("2"), 2, CancellationToken.None);

        Assert.Equal(3, _fixture.Fleet.Describe("svc").Count);
        Assert.Equal(2, _fixture.Fleet.Describe("svc", "2").Count);
        Assert.Empty(_fixture.Fleet.Describe("other"));
    }
}
