namespace Pipeline.Local.Aws.Tests.EventBridge;

public sealed class EventPatternTests
{
    private static readonly JsonObject Cases = JsonNode.Parse(Fixture.Text("event-patterns.json"))!.AsObject();

    public static TheoryData<string> CaseNames() =>
        [.. Cases["cases"]!.AsArray().Select(c => c!["name"]!.GetValue<string>())];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Matches_WhenDocumentedPatternMeetsEvent_ShouldAgreeWithEventBridge(string name)
    {
        var @case = Cases["cases"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == name)!;
        var evt = Cases["events"]![@case["event"]!.GetValue<string>()]!;
        var pattern = EventPattern.From(@case["pattern"]!.AsObject());

        Assert.Equal(@case["matches"]!.GetValue<bool>(), pattern.Matches(evt));
    }

    [Fact]
    public void Cases_ShouldCoverEveryOperator()
    {
        var text = Cases["cases"]!.ToJsonString();
        foreach (var op in new[] { "prefix", "suffix", "anything-but", "numeric", "exists", "cidr", "equals-ignore-case", "wildcard", "$or" })
        {
            Assert.Contains($"\"{op}\"", text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("""{"source": "aws.ec2"}""", "source: a pattern value must be a list")]
    [InlineData("""{"detail": {"state": []}}""", "detail.state: an empty list matches nothing")]
    [InlineData("""{"detail": {"n": [{"numeric": [">", "x"]}]}}""", "detail.n[0].numeric[1]: must be a number")]
    [InlineData("""{"detail": {"n": [{"numeric": [">", 1, ">", 2]}]}}""", "one lower and one upper bound")]
    [InlineData("""{"detail": {"n": [{"numeric": ["!=", 1]}]}}""", "unknown numeric operator '!='")]
    [InlineData("""{"detail": {"n": [{"contains": "x"}]}}""", "detail.n[0]: unknown operator 'contains'")]
    [InlineData("""{"detail": {"n": [{"exists": "yes"}]}}""", "detail.n[0].exists: must be true or false")]
    [InlineData("""{"detail": {"n": [{"cidr": "10.0.0/99"}]}}""", "is not a CIDR block")]
    [InlineData("""{"$or": [{"a": ["x"]}]}""", "$or needs a list of at least two objects")]
    [InlineData("""{"detail": {}}""", "detail: an empty object matches nothing")]
    [InlineData("""[1]""", "must be a JSON object")]
    public void Parse_WhenPatternIsInvalid_ShouldNameTheField(string pattern, string expected)
    {
        var error = Assert.Throws<EventPatternInvalidException>(() => EventPattern.Parse(pattern));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_WhenPatternWasBuiltFromYamlNumbers_ShouldCompareNumerically()
    {
        var pattern = EventPattern.From(new JsonObject
        {
            ["detail"] = new JsonObject { ["n"] = new JsonArray(new JsonObject { ["numeric"] = new JsonArray(">", 2L) }) },
        });

        Assert.True(pattern.Matches("""{"detail": {"n": 3}}"""));
        Assert.False(pattern.Matches("""{"detail": {"n": 2}}"""));
    }
}
