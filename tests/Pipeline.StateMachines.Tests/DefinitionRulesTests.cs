namespace Pipeline.StateMachines.Tests;

/// <summary>House rules for every definition: what asl-validator does not check.</summary>
public sealed class DefinitionRulesTests
{
    private static readonly string[] LambdaTransientErrors =
    [
        "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException",

        // A function's own dependency failing for a moment, and its process dying mid-call (every function is idempotent).
        "Pipeline.Transient", "Runtime.ExitError",
    ];

    [Theory]
    [MemberData(nameof(Definitions.Names), MemberType = typeof(Definitions))]
    public void EveryTask_ShouldHaveCommentRetryAndCatch(string name)
    {
        var problems = Tasks(name).SelectMany(t => new[]
        {
            string.IsNullOrWhiteSpace((string?)t.State["Comment"]) ? $"{t.Name}: no Comment" : null,
            t.State["Retry"] is JsonArray { Count: > 0 } ? null : $"{t.Name}: no Retry",
            t.State["Catch"] is JsonArray { Count: > 0 } ? null : $"{t.Name}: no Catch",
        }).OfType<string>().ToList();

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Theory]
    [MemberData(nameof(Definitions.Names), MemberType = typeof(Definitions))]
    public void LambdaTasks_ShouldRetryTransientLambdaErrorsAndReadThePayload(string name)
    {
        var problems = new List<string>();
        foreach (var (task, state) in Tasks(name).Where(t => Resource(t.State) == "arn:aws:states:::lambda:invoke"))
        {
            var retried = Retried(state);
            problems.AddRange(LambdaTransientErrors.Where(e => !retried.Contains(e)).Select(e => $"{task}: does not retry {e}"));
            var parameters = state["Parameters"]?.AsObject();
            if (parameters is null || !((string?)parameters["FunctionName"] ?? "").StartsWith("${", StringComparison.Ordinal))
            {
                problems.Add($"{task}: FunctionName must be a ${{Placeholder}}");
            }

            if (parameters is null || !(parameters.ContainsKey("Payload") || parameters.ContainsKey("Payload.$")))
            {
                problems.Add($"{task}: no Payload");
            }

            var selectorPaths = Strings(state["ResultSelector"]).ToList();
            if (state["ResultPath"] is not null && (selectorPaths.Count == 0 || selectorPaths.Any(p => !p.StartsWith("$.Payload", StringComparison.Ordinal))))
            {
                problems.Add($"{task}: a kept result must be picked from $.Payload by a ResultSelector");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void DeployLock_ShouldLeaseForTheMachinesTimeoutFromTheExecutionsStart()
    {
        var machine = Definitions.Load("deploy-service.asl.json");
        var payload = machine["States"]!["AcquireLock"]!["Parameters"]!["Payload"]!;

        Assert.Equal((int)machine["TimeoutSeconds"]!, (int)payload["leaseSeconds"]!);
        Assert.Equal("$$.Execution.StartTime", (string?)payload["startedAt.$"]);
        Assert.Equal("$$.Execution.Id", (string?)payload["owner.$"]);
    }

    [Theory]
    [MemberData(nameof(Definitions.Names), MemberType = typeof(Definitions))]
    public void ElbTasks_ShouldRetryThrottling(string name)
    {
        var missing = Tasks(name)
            .Where(t => Resource(t.State)!.StartsWith("arn:aws:states:::aws-sdk:elasticloadbalancingv2:", StringComparison.Ordinal))
            .Where(t => !Retried(t.State).Contains("ElasticLoadBalancingV2.ThrottlingException"))
            .Select(t => t.Name)
            .ToList();

        Assert.True(missing.Count == 0, "no throttling retry: " + string.Join(", ", missing));
    }

    [Theory]
    [MemberData(nameof(Definitions.Names), MemberType = typeof(Definitions))]
    public void Tasks_ShouldKeepResultsUnderNamedPaths(string name)
    {
        var machine = Definitions.Load(name);
        var start = (string)machine["StartAt"]!;

        // The first state may replace the raw trigger with its normalized request; every later
        // task adds its own record next to the others and never overwrites the whole input.
        var blobs = Tasks(name)
            .Where(t => t.Name != start && t.State.ContainsKey("ResultPath"))
            .Where(t => t.State["ResultPath"] is JsonValue v && !((string)v!).StartsWith("$.", StringComparison.Ordinal))
            .Select(t => t.Name)
            .ToList();
        var implicitWhole = Tasks(name).Where(t => t.Name != start && !t.State.ContainsKey("ResultPath")).Select(t => t.Name).ToList();

        Assert.True(blobs.Count == 0, "ResultPath replaces the whole input: " + string.Join(", ", blobs));
        Assert.True(implicitWhole.Count == 0, "no ResultPath (the result would replace the input): " + string.Join(", ", implicitWhole));
    }

    [Theory]
    [MemberData(nameof(Definitions.Names), MemberType = typeof(Definitions))]
    public void Definitions_ShouldNameResourcesOnlyThroughPlaceholders(string name)
    {
        var literals = Strings(Definitions.Load(name))
            .Where(s => s.StartsWith("arn:", StringComparison.Ordinal) && !s.StartsWith("arn:aws:states:::", StringComparison.Ordinal))
            .ToList();

        Assert.True(literals.Count == 0, "literal ARNs: " + string.Join(", ", literals));
    }

    [Fact]
    public void Template_ShouldDeclareEveryDefinitionAsAStateMachine()
    {
        var declared = TemplateStateMachines.Load().Select(m => Path.GetFileName(m.DefinitionUri ?? "")).ToHashSet();

        var undeclared = Definitions.Files.Select(Path.GetFileName).Where(f => !declared.Contains(f!)).ToList();

        Assert.True(undeclared.Count == 0, "not in template.yaml: " + string.Join(", ", undeclared));
    }

    [Fact]
    public void Placeholders_ShouldMatchTheTemplatesSubstitutionsBothWays()
    {
        var problems = new List<string>();
        foreach (var machine in TemplateStateMachines.Load())
        {
            var file = Path.Combine(RepositoryRoot.Path, machine.DefinitionUri ?? "");
            Assert.True(File.Exists(file), $"{machine.LogicalId}: DefinitionUri {machine.DefinitionUri} does not exist");
            var used = Definitions.Placeholders(File.ReadAllText(file));
            problems.AddRange(used.Except(machine.DefinitionSubstitutions.Keys).Select(p => $"{machine.LogicalId}: ${{{p}}} has no DefinitionSubstitutions entry"));
            problems.AddRange(machine.DefinitionSubstitutions.Keys.Except(used).Select(p => $"{machine.LogicalId}: substitution {p} is used nowhere in {machine.DefinitionUri}"));
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    internal static IEnumerable<(string Name, JsonObject State)> Tasks(string name) =>
        Definitions.AllStates(Definitions.Load(name)).Where(s => (string?)s.State["Type"] == "Task");

    private static string? Resource(JsonObject state) => (string?)state["Resource"];

    private static HashSet<string> Retried(JsonObject state) =>
        (state["Retry"]?.AsArray() ?? []).SelectMany(r => r!["ErrorEquals"]!.AsArray().Select(e => (string)e!)).ToHashSet();

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };
}
