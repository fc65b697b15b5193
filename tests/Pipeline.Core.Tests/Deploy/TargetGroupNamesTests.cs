using System.Text.RegularExpressions;

namespace Pipeline.Core.Tests.Deploy;

public sealed partial class TargetGroupNamesTests
{
    [Fact]
    public void For_WhenServiceNameIsShort_ShouldAppendTheCount()
    {
        Assert.Equal($"orders-{TargetGroupNames.StackScope("pipeline")}-v7", TargetGroupNames.For("pipeline", "orders", 7));
    }

    [Theory]
    [InlineData("a-service-name-of-exactly-32-chr", 12345)]
    [InlineData("orders.eu_west", 3)]
    [InlineData("-odd--name-", 1)]
    [InlineData("internal", 2)]
    [InlineData("...", 9)]
    public void For_WhenNameNeedsChanges_ShouldStayWithinElbRules(string service, long count)
    {
        var name = TargetGroupNames.For("pipeline", service, count);

        Assert.True(name.Length <= TargetGroupNames.MaxLength, name);
        Assert.Matches(ElbName(), name);
        Assert.DoesNotMatch("^internal-", name);
        Assert.EndsWith($"-v{count}", name, StringComparison.Ordinal);
    }

    [Fact]
    public void For_WhenTwoLongNamesShareAPrefix_ShouldGiveDifferentGroups()
    {
        var a = TargetGroupNames.For("pipeline", "payments-reconciliation-worker-a", 1);
        var b = TargetGroupNames.For("pipeline", "payments-reconciliation-worker-b", 1);

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void For_WhenVersionsDiffer_ShouldGiveEachVersionItsOwnGroup()
    {
        Assert.NotEqual(TargetGroupNames.For("pipeline", "orders", 1), TargetGroupNames.For("pipeline", "orders", 2));
        Assert.Equal(TargetGroupNames.For("pipeline", "orders", 2), TargetGroupNames.For("pipeline", "orders", 2));
    }

    [Fact]
    public void For_WhenStacksDiffer_ShouldGiveEachStackItsOwnGroup()
    {
        Assert.NotEqual(TargetGroupNames.For("pipeline", "orders", 1), TargetGroupNames.For("pipeline-prod", "orders", 1));
        Assert.NotEqual(TargetGroupNames.For("pipeline", "prod-orders", 1), TargetGroupNames.For("pipeline-prod", "orders", 1));
    }

    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$")]
    private static partial Regex ElbName();
}
