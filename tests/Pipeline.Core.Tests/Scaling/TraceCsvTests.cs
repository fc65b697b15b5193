using Pipeline.Core.Scaling.Simulation;

namespace Pipeline.Core.Tests.Scaling;

public class TraceCsvTests
{
    [Fact]
    public void Parse_WhenWellFormed_ShouldReturnOneMinutePerRow()
    {
        var trace = TraceCsv.Parse("minute,read,write\n0,1.5,2\n1,0,3.25\n");
        Assert.Equal([new TraceMinute(1.5, 2), new TraceMinute(0, 3.25)], trace);
    }

    [Theory]
    [InlineData("minute,reads,write\n0,1,1", "header")]
    [InlineData("minute,read,write\n0,1,1\n2,1,1", "'minute' must be 1")]
    [InlineData("minute,read,write\n0,-1,1", "'read'")]
    [InlineData("minute,read,write\n0,1,x", "'write'")]
    [InlineData("minute,read,write\n0,1", "3 fields")]
    public void Parse_WhenMalformed_ShouldNameTheLineAndField(string csv, string expected)
    {
        var error = Assert.Throws<FormatException>(() => TraceCsv.Parse(csv));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
