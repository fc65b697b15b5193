namespace Pipeline.States.Tests.Conformance;

public sealed class ConformanceTests
{
    private static readonly DateTimeOffset StartTime = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in ConformanceCase.LoadAll())
        {
            data.Add(c.ToString());
        }
        return data;
    }

    private static ConformanceCase Find(string id) => ConformanceCase.LoadAll().Single(c => c.ToString() == id);

    [Fact]
    public void Suite_WhenLoaded_ShouldHoldAtLeast150UniquelyNamedCases()
    {
        var all = ConformanceCase.LoadAll().ToList();
        Assert.True(all.Count >= 150, $"only {all.Count} cases");
        Assert.Equal(all.Count, all.Select(c => c.ToString()).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Run_WhenGivenCase_ShouldProduceExpectedResult(string id)
    {
        var c = Find(id);
        var actual = await RunAsync(c);
        AssertMatches(c.Expected, actual, $"{id}: engine result");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reference_WhenRecorded_ShouldAgreeWithExpectedUnlessTheCaseSaysWhy(string id)
    {
        var c = Find(id);
        Assert.True(c.Reference is not null, $"{id}: no reference result; run Conformance/regenerate.mjs");
        var agrees = Matches(c.Expected, c.Reference!);
        if (c.DepartsFromReference is null)
        {
            Assert.True(agrees, $"{id}: aws-local-stepfunctions gave {c.Reference!.ToJsonString()} but the case expects {c.Expected.ToJsonString()} and gives no departsFromReference reason");
        }
        else
        {
            Assert.False(agrees, $"{id}: says it departs from aws-local-stepfunctions but the reference agrees; drop departsFromReference");
        }
    }

    /// <summary>Runs a case on the engine and describes the outcome in the same shape as "expected".</summary>
    internal static async Task<JsonObject> RunAsync(ConformanceCase c)
    {
        StateMachineDefinition definition;
        try
        {
            definition = DefinitionParser.Parse(JsonValues.Clone(c.Definition));
        }
        catch (InvalidDefinitionException e)
        {
            return new JsonObject { ["invalidDefinition"] = true, ["problems"] = e.Message };
        }
        var options = new EngineOptions
        {
            Integrations = new Integrations.TaskIntegrationRegistry().Register("**", new ScriptedTasks(c.Tasks)),
            WaitTimeScale = 0,
        };
        var engine = new StatesEngine(options);
        var identity = ExecutionIdentity.Local("Conformance", "conformance-run", StartTime);
        var result = await engine.RunAsync(definition, JsonValues.Clone(c.Input), identity);
        return result.Status == ExecutionStatus.Succeeded
            ? new JsonObject { ["output"] = result.Output }
            : new JsonObject { ["error"] = result.Error, ["cause"] = result.Cause };
    }

    private static void AssertMatches(JsonObject expected, JsonObject actual, string what) =>
        Assert.True(Matches(expected, actual), $"{what} {actual.ToJsonString()} does not match expected {expected.ToJsonString()}");

    /// <summary>
    /// Output must be deeply equal; an error must have the same name, and the same cause when the case gives one
    /// ("causeContains" checks a fragment instead).
    /// </summary>
    internal static bool Matches(JsonObject expected, JsonObject actual)
    {
        if (expected.ContainsKey("invalidDefinition"))
        {
            return actual.ContainsKey("invalidDefinition");
        }
        if (expected.ContainsKey("output"))
        {
            return actual.ContainsKey("output") && JsonValues.DeepEquals(expected["output"], actual["output"]);
        }
        if (!actual.ContainsKey("error") || actual.ContainsKey("output") || actual.ContainsKey("invalidDefinition"))
        {
            return false;
        }
        var sameError = JsonValues.DeepEquals(expected["error"], actual["error"]);
        if (expected.ContainsKey("cause"))
        {
            return sameError && JsonValues.DeepEquals(expected["cause"], actual["cause"]);
        }
        if (expected["causeContains"] is { } fragment)
        {
            return sameError && (actual["cause"]?.GetValue<string>() ?? "").Contains(fragment.GetValue<string>(), StringComparison.Ordinal);
        }
        return sameError;
    }
}
