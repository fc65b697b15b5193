using Pipeline.Core.Registry;
using Pipeline.Dashboard;

namespace Pipeline.Dashboard.Tests;

public class DashboardLogicTests
{
    [Fact]
    public void Compute_WhenALineChanges_ShouldShowItRemovedAndAddedAndKeepTheRest()
    {
        var diff = LineDiff.Compute("global\nserver a 1\nend\n", "global\nserver a 2\nend\n");

        Assert.Equal([(' ', "global"), ('-', "server a 1"), ('+', "server a 2"), (' ', "end")], diff.Select(d => (d.Op, d.Text)));
    }

    [Theory]
    [InlineData("""{"source":"aws.codecommit","detail":{"repositoryName":"orders"}}""", "orders", "push (CodeCommit)")]
    [InlineData("""{"source":"github.com","detail":{"repository":{"name":"items"}}}""", "items", "push (GitHub)")]
    [InlineData("""{"service":"orders","version":"1.0.3-abc1234"}""", "orders", "manual: version 1.0.3-abc1234")]
    [InlineData("""{"service":"orders","commit":"0123456789012345678901234567890123456789"}""", "orders", "manual")]
    [InlineData("not json", null, "unknown")]
    public void TriggerOf_WhenGivenEachKindOfInput_ShouldNameTheServiceAndTrigger(string input, string? service, string trigger)
    {
        Assert.Equal((service, trigger), DashboardApi.TriggerOf(input));
    }

    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-12-05T04:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static ServiceRecord Service(string? live, string latest) => new("orders", "", "", latest, 2, live, At);

    private static VersionRecord Version(string label, VersionStatus status) =>
        VersionRecord.Recorded(new VersionIdentity("orders", label, 2, new string('a', 40), "k", "m", "h"), "", "exec", At) with { Status = status };

    [Fact]
    public void Status_WhenTheLatestFailedAndAnEarlierVersionServes_ShouldBeRolledBack()
    {
        Assert.Equal("rolled back", DashboardApi.Status(Service("1.0.1-a", "1.0.2-b"), Version("1.0.2-b", VersionStatus.Failed), running: false));
        Assert.Equal("failed", DashboardApi.Status(Service(null, "1.0.2-b"), Version("1.0.2-b", VersionStatus.Failed), running: false));
        Assert.Equal("live", DashboardApi.Status(Service("1.0.2-b", "1.0.2-b"), Version("1.0.2-b", VersionStatus.Live), running: false));
        Assert.Equal("deploying", DashboardApi.Status(Service("1.0.1-a", "1.0.2-b"), Version("1.0.2-b", VersionStatus.Recorded), running: true));
    }
}
