namespace Pipeline.Core.Tests.Deploy;

public sealed class RouterConvergenceTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task CheckAsync_WhenEveryRouterAppliedTheVersionOrLater_ShouldConverge()
    {
        var check = Check(Report("a", applied: 7), Report("b", applied: 8));

        var result = await check.CheckAsync(7, minRouters: 2);

        Assert.True(result.Converged);
        Assert.Equal(2, result.Routers);
        Assert.Empty(result.Pending);
    }

    [Fact]
    public async Task CheckAsync_WhenOneRouterIsBehind_ShouldNameIt()
    {
        var check = Check(Report("a", applied: 7), Report("b", applied: 6), Report("c", applied: null));

        var result = await check.CheckAsync(7, minRouters: 1);

        Assert.False(result.Converged);
        Assert.Equal(["b: runs version 6", "c: has applied no routes yet"], result.Pending);
    }

    [Fact]
    public async Task CheckAsync_WhenFewerRoutersReportThanRequired_ShouldWait()
    {
        var check = Check(Report("a", applied: 9));

        var result = await check.CheckAsync(9, minRouters: 2);

        Assert.False(result.Converged);
        Assert.Contains("only 1 of at least 2 routers have reported", result.Pending);
    }

    [Fact]
    public async Task CheckAsync_WhenNoRouterReports_ShouldNotConverge()
    {
        var result = await Check().CheckAsync(1, minRouters: 1);

        Assert.False(result.Converged);
        Assert.Equal(0, result.Routers);
    }

    [Fact]
    public async Task CheckAsync_WhenARouterRejectedThisVersion_ShouldThrowRoutesRejected()
    {
        var check = Check(Report("a", applied: 7), Report("b", applied: 6, rejected: 7, error: "haproxy -c: unknown keyword"));

        var error = await Assert.ThrowsAsync<RoutesRejectedException>(() => check.CheckAsync(7, minRouters: 1));

        Assert.Equal("Pipeline.RoutesRejected", error.ErrorType);
        Assert.Contains("b: haproxy -c: unknown keyword", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_WhenARouterRejectedAnOlderVersion_ShouldJudgeOnlyWhatItApplied()
    {
        var check = Check(Report("a", applied: 7, rejected: 5, error: "old problem"));

        var result = await check.CheckAsync(7, minRouters: 1);

        Assert.True(result.Converged);
    }

    [Fact]
    public async Task CheckAsync_WhenAReportIsUnreadable_ShouldKeepWaitingAndSayWhy()
    {
        var check = Check(Report("a", applied: 7), new RouterReport("b", null, null, null, null, "status is not valid JSON", Stored: At));

        var result = await check.CheckAsync(7, minRouters: 1);

        Assert.False(result.Converged);
        Assert.Equal(["b: status is not valid JSON"], result.Pending);
    }

    [Fact]
    public async Task CheckAsync_WhenVersionIsNotPositive_ShouldRejectTheInput()
    {
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => Check().CheckAsync(0, minRouters: 1));

        Assert.StartsWith("routesVersion:", error.Message, StringComparison.Ordinal);
    }

    private static RouterReport Report(string node, long? applied, long? rejected = null, string? error = null) =>
        new(node, applied, rejected, error, At);

    [Fact]
    public async Task CheckAsync_WhenAReplacedRouterLeftAStaleReport_ShouldNotWaitForIt()
    {
        // router-old stopped 10 s ago (5 of its 2 s polls); router-new took its place and is current.
        var check = Check(
            Report("router-old", applied: 6) with { Time = At.AddSeconds(-10), PollInterval = TimeSpan.FromSeconds(2) },
            Report("router-new", applied: 7) with { PollInterval = TimeSpan.FromSeconds(2) });

        var result = await check.CheckAsync(7, minRouters: 1);

        Assert.True(result.Converged);
        Assert.Equal(1, result.Routers);
    }

    [Fact]
    public async Task CheckAsync_WhenTheOnlyReportIsStale_ShouldWaitForALiveRouter()
    {
        var check = Check(Report("a", applied: 7) with { Time = At.AddMinutes(-5) });

        var result = await check.CheckAsync(7, minRouters: 1);

        Assert.False(result.Converged);
        Assert.Equal(["only 0 of at least 1 routers have reported"], result.Pending);
    }

    [Fact]
    public async Task CheckAsync_WhenABehindRouterIsStillWithinItsWindow_ShouldKeepWaitingForIt()
    {
        // 3 polls of 2 s plus 2 s of slack: 7 s old is still alive.
        var check = Check(Report("a", applied: 7), Report("b", applied: 6) with { Time = At.AddSeconds(-7) });

        var result = await check.CheckAsync(7, minRouters: 1);

        Assert.False(result.Converged);
        Assert.Equal(["b: runs version 6"], result.Pending);
    }

    [Fact]
    public async Task CheckAsync_WhenTheStoreTimeIsFreshButTheRoutersClockIsBehind_ShouldTrustTheStore()
    {
        var check = Check(Report("a", applied: 7) with { Time = At.AddHours(-3), Stored = At.AddSeconds(-1) });

        Assert.True((await check.CheckAsync(7, minRouters: 1)).Converged);
    }

    [Fact]
    public async Task CheckAsync_WhenMorePollsMayBeMissed_ShouldCountAnOlderReport()
    {
        var report = Report("a", applied: 7) with { Time = At.AddSeconds(-20) };

        Assert.False((await Check(report).CheckAsync(7, minRouters: 1)).Converged);
        Assert.True((await new RouterConvergence(new FixedReports([report]), new RouterLiveness(MissedPolls: 10), new FixedClock(At))
            .CheckAsync(7, minRouters: 1)).Converged);
    }

    private static RouterConvergence Check(params RouterReport[] reports) =>
        new(new FixedReports(reports), new RouterLiveness(), new FixedClock(At));

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class FixedReports(IReadOnlyList<RouterReport> reports) : IRouterStatusSource
    {
        public Task<IReadOnlyList<RouterReport>> ListAsync(CancellationToken cancel = default) => Task.FromResult(reports);
    }
}
