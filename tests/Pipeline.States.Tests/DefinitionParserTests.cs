namespace Pipeline.States.Tests;

public sealed class DefinitionParserTests
{
    private static List<string> Problems(string json) =>
        Assert.Throws<InvalidDefinitionException>(() => DefinitionParser.Parse(json)).Problems.Select(p => p.ToString()).ToList();

    [Fact]
    public void Parse_WhenSeveralThingsAreWrong_ShouldListEachWithItsLocation()
    {
        var problems = Problems("""
            {"StartAt":"A","States":{
              "A":{"Type":"Pass","Next":"B","Resource":"arn:x"},
              "B":{"Type":"Wait","End":true},
              "C":{"Type":"Choice","Choices":[{"Variable":"$.x","NumericEquals":"1","Next":"A"}]}}}
            """);

        Assert.Contains("/States/A/Resource: field 'Resource' is not supported by a Pass state", problems);
        Assert.Contains("/States/B: a Wait state must have exactly one of 'Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'", problems);
        Assert.Contains("/States/C/Choices/0/NumericEquals: 'NumericEquals' must be a number", problems);
        Assert.Contains("/States/C: state 'C' is not reachable from StartAt", problems);
    }

    [Fact]
    public void Parse_WhenJsonIsMalformed_ShouldSaySo()
    {
        var problems = Problems("""{"StartAt": "A", """);

        Assert.Single(problems);
        Assert.StartsWith("/: the definition is not valid JSON", problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenStateNamesRepeat_ShouldRejectTheDuplicate()
    {
        var problems = Problems("""{"StartAt":"A","States":{"A":{"Type":"Pass","End":true},"A":{"Type":"Succeed"}}}""");

        Assert.Contains("not valid JSON", problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenNestedScopeIsBroken_ShouldLocateTheProblemInsideIt()
    {
        var problems = Problems("""
            {"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","Next":"Outside"}}}}}}
            """);

        Assert.Equal(["/States/M/ItemProcessor/States/I/Next: 'Outside' is not a state in this scope"], problems);
    }

    [Fact]
    public void Parse_WhenDefinitionIsValid_ShouldBuildEveryState()
    {
        var definition = DefinitionParser.Parse("""
            {"Comment":"c","TimeoutSeconds":60,"StartAt":"T","States":{
              "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","TimeoutSeconds":5,"Retry":[{"ErrorEquals":["States.ALL"],"JitterStrategy":"FULL"}],"Next":"W"},
              "W":{"Type":"Wait","SecondsPath":"$.s","Next":"S"},
              "S":{"Type":"Succeed"}}}
            """);

        Assert.Equal(60, definition.TimeoutSeconds);
        var task = Assert.IsType<TaskStateDefinition>(definition.States["T"]);
        Assert.Equal(5, task.TimeoutSeconds);
        Assert.True(task.Retry[0].FullJitter);
        Assert.Equal((1.0, 3, 2.0), (task.Retry[0].IntervalSeconds, task.Retry[0].MaxAttempts, task.Retry[0].BackoffRate));
        Assert.Equal("$.s", Assert.IsType<WaitStateDefinition>(definition.States["W"]).SecondsPath!.Text);
        Assert.False(definition.UsesContextObject);
    }
}
