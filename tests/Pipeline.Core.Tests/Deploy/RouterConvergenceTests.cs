using Pipeline.Core.Deploy;
using Pipeline.Core.Errors;

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
        var check = Check(Report("a", applied: 7), new RouterReport("b", null, null, null, null, "status is not valid JSON"));

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

    private static RouterConvergence Check(params RouterReport[] reports) => new(new FixedReports(reports));

    private sealed class FixedReports(IReadOnlyList<RouterReport> reports) : IRouterStatusSource
    {
        public Task<IReadOnlyList<RouterReport>> ListAsync(CancellationToken cancel = default) => Task.FromResult(reports);
    }
}
