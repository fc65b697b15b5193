namespace Pipeline.RouterAgent.Tests;

public class AgentPartsTests
{
    [Fact]
    public void ParseShowProc_WhenHaproxy26Output_ShouldReadCountersAndCurrentWorkersOnly()
    {
        const string text = "#<PID>          <type>          <reloads>       <uptime>        <version>      \n"
            + "26517           master          3 [failed: 1]   0d00h00m02s     2.6.12-1+deb12u4\n"
            + "# workers\n26524           worker          0               0d00h00m02s     2.6.12-1+deb12u4\n"
            + "# old workers\n26500           worker          1               0d00h00m09s     2.6.12-1+deb12u4\n# programs\n\n";

        var procs = MasterCli.ParseShowProc(text);

        Assert.Equal(new MasterProcesses(26517, 3, 1, [26524]), procs with { Workers = [.. procs.Workers] }, new ProcessesComparer());
    }

    [Fact]
    public void Parse_WhenOnlyEnvironment_ShouldUseItAndDefaults()
    {
        var env = new Dictionary<string, string> { ["PIPELINE_ROUTES_BUCKET"] = "routes", ["PIPELINE_ROUTER_NODE"] = "lb-1" };

        var options = AgentOptions.Parse([], env.GetValueOrDefault);

        Assert.Equal("routes", options.Bucket);
        Assert.Equal("lb-1", options.Node);
        Assert.Equal(TimeSpan.FromSeconds(2), options.PollInterval);
        Assert.Equal("/etc/haproxy/haproxy.cfg", options.ConfigPath);
        Assert.Equal("/run/haproxy-master.sock", options.MasterSocket);
        Assert.False(options.Supervise);
    }

    [Fact]
    public void Parse_WhenTheRouterGivesItsOwnAddressPortAndSocket_ShouldPassThemToHaproxyUnderThePublishedConfigsNames()
    {
        var env = new Dictionary<string, string> { ["PIPELINE_ROUTES_BUCKET"] = "routes", ["PIPELINE_ROUTER_RUNTIME_SOCKET"] = "/run/haproxy/admin.sock" };

        var options = AgentOptions.Parse(["--bind", "127.0.0.2", "--port", "8081"], env.GetValueOrDefault);

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["PIPELINE_ROUTER_BIND"] = "127.0.0.2",
                ["PIPELINE_ROUTER_PORT"] = "8081",
                ["PIPELINE_ROUTER_RUNTIME_SOCKET"] = "/run/haproxy/admin.sock",
            },
            options.HaproxyEnvironment);
        Assert.Empty(AgentOptions.Parse(["--bucket", "b"], _ => null).HaproxyEnvironment!);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2000)]
    [InlineData("1.5", 1500)]
    public void ParseDuration_WhenValid_ShouldConvert(string text, int ms) =>
        Assert.Equal(TimeSpan.FromMilliseconds(ms), AgentOptions.ParseDuration(text));

    [Theory]
    [InlineData(new[] { "--node", "x" }, "--bucket")]
    [InlineData(new[] { "--bucket", "b", "--poll-interval", "-1s" }, "--poll-interval")]
    [InlineData(new[] { "--bucket", "b", "--node", "a/b" }, "--node")]
    [InlineData(new[] { "--bucket", "b", "--node", "lb-1\n" }, "--node")]
    [InlineData(new[] { "stray" }, "unexpected argument 'stray'")]
    [InlineData(new[] { "--bucket", "b", "--port", "0" }, "--port")]
    [InlineData(new[] { "--bucket", "b", "--port", "80 ${HOME}" }, "--port")]
    [InlineData(new[] { "--bucket", "b", "--bind", "localhost" }, "--bind")]
    [InlineData(new[] { "--bucket", "b", "--bind", "::1" }, "--bind")]
    [InlineData(new[] { "--bucket", "b", "--runtime-socket", "relative.sock" }, "--runtime-socket")]
    [InlineData(new[] { "--bucket", "b", "--runtime-socket", "/tmp/a}\"b" }, "--runtime-socket")]
    public void Parse_WhenInvalid_ShouldNameTheOption(string[] args, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => AgentOptions.Parse(args, _ => null));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private sealed class ProcessesComparer : IEqualityComparer<MasterProcesses>
    {
        public bool Equals(MasterProcesses? x, MasterProcesses? y) =>
            x is not null && y is not null && x.MasterPid == y.MasterPid && x.Reloads == y.Reloads
            && x.FailedReloads == y.FailedReloads && x.Workers.SequenceEqual(y.Workers);

        public int GetHashCode(MasterProcesses obj) => obj.MasterPid;
    }
}
