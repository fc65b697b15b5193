using System.Text;

namespace Pipeline.RouterAgent.Tests;

public sealed class RouterAgentTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pipeline-agent-unit-").FullName;
    private readonly FakeFeed _feed = new();
    private readonly FakeHaproxy _haproxy = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string ConfigPath => Path.Combine(_dir, "haproxy.cfg");

    private readonly List<string> _log = [];

    private RouterAgent Agent(params string[] args) => new(
        AgentOptions.Parse(["--bucket", "b", "--node", "n1", "--config", ConfigPath, .. args], _ => null),
        _feed, _haproxy, TimeProvider.System, _log.Add);

    /// <summary>An agent that took version 1 ("# one") with one poll (or <paramref name="step"/>).</summary>
    private async Task<RouterAgent> AgentOnVersionOneAsync(Func<RouterAgent, Task>? step = null)
    {
        var agent = Agent();
        Publish(1, "# one\n");
        step ??= a => a.PollOnceAsync(CancellationToken.None);
        await step(agent);
        return agent;
    }

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
        var agent = await AgentOnVersionOneAsync();
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
        var agent = await AgentOnVersionOneAsync();
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
        var agent = await AgentOnVersionOneAsync();

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

    [Fact]
    public async Task PollOnce_WhenThePointerGoesBackToAnOlderVersion_ShouldLogAndIgnoreIt()
    {
        var agent = await AgentOnVersionOneAsync();
        var two = Publish(2, "# two\n");
        await agent.PollOnceAsync(CancellationToken.None);
        var statuses = _feed.Statuses.Count;

        Publish(1, "# one\n");
        await agent.PollOnceAsync(CancellationToken.None);

        Assert.Equal("# two\n", await File.ReadAllTextAsync(ConfigPath));
        Assert.Equal(two, agent.Applied);
        Assert.Equal(2, _haproxy.Applies);
        Assert.Equal(2, _feed.Downloads);
        Assert.Equal(statuses, _feed.Statuses.Count);
        Assert.Contains(_log, l => l.Contains("ignored routes version 1", StringComparison.Ordinal) && l.Contains("version 2 is applied", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PollOnce_WhenTheSameVersionIsRepublishedWithOtherBytes_ShouldIgnoreIt()
    {
        var agent = await AgentOnVersionOneAsync();

        Publish(1, "# forged\n");
        await agent.PollOnceAsync(CancellationToken.None);

        Assert.Equal("# one\n", await File.ReadAllTextAsync(ConfigPath));
        Assert.Equal(1, _haproxy.Applies);
    }

    [Fact]
    public async Task PollOnce_WhenTheConfigIsLargerThanTheCap_ShouldRejectItNamingTheCap()
    {
        var agent = Agent("--max-config-bytes", "1024");
        Publish(1, "# one\n");
        await agent.PollOnceAsync(CancellationToken.None);

        Publish(2, "#" + new string('x', 2000) + "\n");
        await agent.PollOnceAsync(CancellationToken.None);

        Assert.Equal("# one\n", await File.ReadAllTextAsync(ConfigPath));
        Assert.Equal(1, _haproxy.Checks);
        Assert.Equal(new long?(2), _feed.Statuses[^1].RejectedVersion);
        Assert.Contains("at most 1024", _feed.Statuses[^1].LastError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("global\n    insecure-fork-wanted\n")]
    [InlineData("global\n    lua-load /tmp/x.lua\n")]
    [InlineData("program shell\n    command /bin/sh -c id\n")]
    [InlineData("backend svc_web\n    option external-check\n    external-check command /bin/sh\n")]
    [InlineData("backend no_route\n    http-request return status 200 file /etc/shadow\n")]
    [InlineData("global\n    stats socket ipv4@0.0.0.0:9999 level admin\n")]
    [InlineData("global\n    maxconn 10\r\n")]
    public async Task PollOnce_WhenTheConfigHasALineTheRendererNeverWrites_ShouldRejectItBeforeHaproxySeesIt(string config)
    {
        var agent = Agent();
        Publish(1, config);

        await agent.PollOnceAsync(CancellationToken.None);

        Assert.Equal(0, _haproxy.Checks);
        Assert.False(File.Exists(ConfigPath));
        Assert.Equal(new long?(1), _feed.Statuses[^1].RejectedVersion);
        Assert.Contains("the renderer never writes", _feed.Statuses[^1].LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tick_WhenNothingChanged_ShouldStillReportWithAGrowingHeartbeat()
    {
        var agent = Agent("--poll-interval", "500ms");
        Publish(1, "# one\n");
        await agent.TickAsync(CancellationToken.None);

        await agent.TickAsync(CancellationToken.None);
        await agent.TickAsync(CancellationToken.None);

        Assert.Equal([1L, 2L, 3L], _feed.Statuses.Select(s => s.Heartbeat));
        Assert.All(_feed.Statuses, s => Assert.Equal(500, s.PollIntervalMs));
        Assert.All(_feed.Statuses, s => Assert.Equal(1, s.AppliedVersion));
        Assert.Equal(2, _feed.NotModified);
    }

    [Fact]
    public async Task Tick_AfterARejection_ShouldKeepReportingTheRejectionUntilALaterApply()
    {
        var agent = await AgentOnVersionOneAsync(agent => agent.TickAsync(CancellationToken.None));
        _haproxy.Complaint = "[ALERT] bad";
        Publish(2, "# two\n");
        await agent.TickAsync(CancellationToken.None);

        await agent.TickAsync(CancellationToken.None);

        Assert.Equal(new long?(2), _feed.Statuses[^1].RejectedVersion);
        Assert.Contains("[ALERT] bad", _feed.Statuses[^1].LastError, StringComparison.Ordinal);
        Assert.True(agent.Ready);
    }

    [Fact]
    public async Task Ready_ShouldTurnTrueOnlyOnceTheCurrentRoutesAreApplied()
    {
        var agent = Agent();
        Publish(1, "# one\n");
        _feed.FailDownloads = true;
        await Assert.ThrowsAsync<IOException>(() => agent.TickAsync(CancellationToken.None));
        Assert.False(agent.Ready);

        _feed.FailDownloads = false;
        await agent.TickAsync(CancellationToken.None);

        Assert.True(agent.Ready);
    }

    [Fact]
    public async Task Ready_WhenNothingWasEverPublished_ShouldBeTrueAfterTheFirstPoll()
    {
        var agent = Agent();
        Assert.False(agent.Ready);

        await agent.TickAsync(CancellationToken.None);

        Assert.True(agent.Ready);
    }

    [Fact]
    public async Task Ready_WhenTheFirstConfigIsRejected_ShouldStayFalse()
    {
        var agent = Agent();
        _haproxy.Complaint = "[ALERT] bad";
        Publish(1, "# one\n");

        await agent.TickAsync(CancellationToken.None);

        Assert.False(agent.Ready);
    }

    private sealed class FakeFeed : IRoutesFeed
    {
        public Dictionary<string, byte[]> Objects { get; } = [];

        public RoutesPointer? Pointer { get; set; }

        public string? ETag { get; set; }

        public List<RouterStatus> Statuses { get; } = [];

        public int Downloads { get; private set; }

        public bool FailDownloads { get; set; }

        public int NotModified { get; private set; }

        public Task<PointerPoll> PollPointerAsync(string? etag, CancellationToken cancellationToken)
        {
            if (Pointer is null)
            {
                return Task.FromResult(new PointerPoll(etag is not null, null, null));
            }

            if (etag is not null && etag == ETag)
            {
                NotModified++;
                return Task.FromResult(new PointerPoll(false, null, etag));
            }

            return Task.FromResult(new PointerPoll(true, Pointer, ETag));
        }

        public Task<byte[]> GetConfigAsync(string key, long maxBytes, CancellationToken cancellationToken)
        {
            Downloads++;
            if (FailDownloads)
            {
                throw new IOException("connection reset");
            }

            return Objects[key].Length > maxBytes
                ? throw new InvalidDataException($"{key} is {Objects[key].Length} bytes; routers accept at most {maxBytes}")
                : Task.FromResult(Objects[key]);
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

        public int Checks { get; private set; }

        public Task<string?> CheckAsync(string configPath, CancellationToken cancellationToken)
        {
            Checks++;
            return Task.FromResult(Complaint);
        }

        public Task ApplyAsync(CancellationToken cancellationToken)
        {
            Applies++;
            return Task.CompletedTask;
        }
    }
}
