namespace Pipeline.States.Tests;

public sealed class JsonPathTests
{
    private static readonly JsonNode Doc = JsonNode.Parse("""{"a":{"b":[1,2,3]},"c":"x","d e":true}""")!;

    [Theory]
    [InlineData("$.a.b[0]", "1")]
    [InlineData("$['d e']", "true")]
    [InlineData("$.a.b[-1]", "3")]
    [InlineData("$.a.b[::2]", "[1,3]")]
    [InlineData("$.a.b[?(@ > 1)]", "[2,3]")]
    [InlineData("$..b[1]", "[2]")]
    [InlineData("$.*", """[{"b":[1,2,3]},"x",true]""")]
    public void TryEvaluate_WhenPathMatches_ShouldSelect(string path, string expected)
    {
        Assert.True(JsonPath.Parse(path).TryEvaluate(Doc, out var value));
        Assert.Equal(expected, JsonValues.Serialize(value));
    }

    [Fact]
    public void TryEvaluate_WhenDefinitePathMisses_ShouldReportNoValue()
    {
        Assert.False(JsonPath.Parse("$.a.z").TryEvaluate(Doc, out _));
    }

    [Theory]
    [InlineData("a.b", "must start with '$'")]
    [InlineData("$.a[", "expected")]
    [InlineData("$.a..", "a name must follow")]
    public void Parse_WhenSyntaxIsWrong_ShouldExplain(string path, string fragment)
    {
        Assert.False(JsonPath.TryParse(path, out _, out var error));
        Assert.Contains(fragment, error, StringComparison.Ordinal);
        Assert.Contains(path, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ResultPath_WhenIntermediateIsMissing_ShouldCreateObjectsWithoutChangingTheInput()
    {
        var input = JsonNode.Parse("""{"keep":1}""");

        var output = ResultPaths.Apply(JsonPath.Parse("$.x.y"), false, input, JsonValue.Create(5));

        Assert.Equal("""{"keep":1,"x":{"y":5}}""", JsonValues.Serialize(output));
        Assert.Equal("""{"keep":1}""", JsonValues.Serialize(input));
    }
}
