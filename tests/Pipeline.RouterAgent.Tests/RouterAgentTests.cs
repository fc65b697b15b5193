using System.Text;
using Pipeline.Core.Routing;

namespace Pipeline.RouterAgent.Tests;

public sealed class RouterAgentTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pipeline-agent-unit-").FullName;
    private readonly FakeFeed _feed = new();
    private readonly FakeHaproxy _haproxy = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string ConfigPath => Path.Combine(_dir, "haproxy.cfg");

    private RouterAgent Agent() => new(
        AgentOptions.Parse(["--bucket", "b", "--node", "n1", "--config", ConfigPath], _ => null),
        _feed, _haproxy, TimeProvider.System, _ => { });

    private RoutesPointer Publish(long version, string text, string? claimedSha = null)
    {
        var key = RoutesKeys.Config(version);
        _feed.Objects[key] = Encoding.UTF8.GetBytes(text);
        _feed.Pointer = new RoutesPointer(version, claimedSha ?? RenderedConfig.HashOf(text), key, null);
        _feed.ETag = "\"" + version + "\"";
        return _feed.Pointer;
    }

    [Fact]
    public async Task PollOnce_WhenNewValidConfig_ShouldSwapApplyAndReport()
    {
        var agent = Agent();
        var pointer = Publish(1, "# one\n");

        await agent.PollOnceAsync(CancellationToken.None);

        Assert.Equal("# one\n", await File.ReadAllTextAsync(ConfigPath));
        Assert.Equal(1, _haproxy.Applies);
        Assert.Equal(pointer, agent.Applied);
        Assert.Equal(new long?(1), _feed.Statuses[^1].AppliedVersion);
        Assert.Null(_feed.Statuses[^1].LastError);
    }

    [Fact]
    public async Task PollOnce_WhenShaDoesNotMatch_ShouldRejectAndKeepRunningConfig()
    {
        var agent = Agent();
        Publish(1, "# one\n");
        await agent.PollOnceAsync(CancellationToken.None);
        Publish(2, "# two\n", claimedSha: RenderedConfig.HashOf("# something else\n"));

        await agent.PollOnceAsync(CancellationToken.None);

        Assert.Equal("# one\n", await File.ReadAllTextAsync(ConfigPath));
        Assert.Equal(1, _haproxy.Applies);
        Assert.Equal(new long?(2), _feed.Statuses[^1].RejectedVersion);
        Assert.Equal(new long?(1), _feed.Statuses[^1].AppliedVersion);
        Assert.Contains("sha256", _feed.Statuses[^1].LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollOnce_WhenHaproxyCheckFails_ShouldNeitherSwapNorReload()
    {
        var agent = Agent();
        Publish(1, "# one\n");
        await agent.PollOnceAsync(CancellationToken.None);
        _haproxy.Complaint = "haproxy -c exited with 1: [ALERT] bad";
        Publish(2, "# two\n");

        await agent.PollOnceAsync(CancellationToken.None);

        Assert.Equal("# one\n", await File.ReadAllTextAsync(ConfigPath));
        Assert.False(File.Exists(ConfigPath + ".candidate"));
        Assert.Equal(1, _haproxy.Applies);
        Assert.Equal("routes version 2 rejected: haproxy -c exited with 1: [ALERT] bad", _feed.Statuses[^1].LastError);
    }

    [Fact]
    public async Task PollOnce_WhenPointerUnchanged_ShouldNotDownloadAgain()
    {
        var agent = Agent();
        Publish(1, "# one\n");
        await agent.PollOnceAsync(CancellationToken.None);

        await agent.PollOnceAsync(CancellationToken.None);
        await agent.PollOnceAsync(CancellationToken.None);

        Assert.Equal(1, _feed.Downloads);
        Assert.Equal(2, _feed.NotModified);
    }

    [Fact]
    public async Task Agent_WhenRestartedOnAppliedConfig_ShouldNotReapplyIt()
    {
        Publish(1, "# one\n");
        await Agent().PollOnceAsync(CancellationToken.None);

        var restarted = Agent();
        await restarted.PollOnceAsync(CancellationToken.None);

        Assert.Equal(1, restarted.Applied?.Version);
        Assert.Equal(1, _haproxy.Applies);
    }

    private sealed class FakeFeed : IRoutesFeed
    {
        public Dictionary<string, byte[]> Objects { get; } = [];

        public RoutesPointer? Pointer { get; set; }

        public string? ETag { get; set; }

        public List<RouterStatus> Statuses { get; } = [];

        public int Downloads { get; private set; }

        public int NotModified { get; private set; }

        public Task<PointerPoll> PollPointerAsync(string? etag, CancellationToken cancellationToken)
        {
            if (etag is not null && etag == ETag)
            {
                NotModified++;
                return Task.FromResult(new PointerPoll(false, null, etag));
            }

            return Task.FromResult(new PointerPoll(true, Pointer, ETag));
        }

        public Task<byte[]> GetConfigAsync(string key, CancellationToken cancellationToken)
        {
            Downloads++;
            return Task.FromResult(Objects[key]);
        }

        public Task PutStatusAsync(RouterStatus status, CancellationToken cancellationToken)
        {
            Statuses.Add(status);
            return Task.CompletedTask;
        }
    }

    private sealed class FakeHaproxy : IHaproxy
    {
        public string? Complaint { get; set; }

        public int Applies { get; private set; }

        public Task<string?> CheckAsync(string configPath, CancellationToken cancellationToken) => Task.FromResult(Complaint);

        public Task ApplyAsync(CancellationToken cancellationToken)
        {
            Applies++;
            return Task.CompletedTask;
        }
    }
}
