namespace Pipeline.Local.Tests;

/// <summary>`pipeline states run` as the real CLI process; Lambda tasks served by the local Lambda service and a real function process.</summary>
public sealed class StatesCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("states-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Definition(string json)
    {
        var path = Path.Combine(_dir, $"machine-{Guid.NewGuid():N}.asl.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> PipelineAsync(string? stdin, params string[] args)
    {
        var (exit, stdout, stderr) = await CliProcess.RunAsync(args, FunctionBinaries.RepositoryRoot,
            new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = null, ["AWS_ENDPOINT_URL_LAMBDA"] = null }, stdin);
        return (exit, stdout.Trim(), stderr);
    }

    private const string Counter = """
        {"StartAt":"Add","States":{"Add":{"Type":"Pass","Parameters":{"n.$":"States.MathAdd($.n, 1)"},"Next":"Check"},
          "Check":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":10,"Next":"TooBig"}],"Default":"Done"},
          "TooBig":{"Type":"Fail","Error":"Counter.TooBig","CausePath":"States.Format('n is {}', $.n)"},
          "Done":{"Type":"Succeed"}}}
        """;

    [Fact]
    public async Task Run_WhenExecutionSucceeds_ShouldPrintOutputAndExitZero()
    {
        var (exit, stdout, stderr) = await PipelineAsync(null, "states", "run", "-f", Definition(Counter), "--input", """{"n":1}""");

        Assert.True(exit == 0, stderr);
        Assert.Equal("""{"n":2}""", stdout);
    }

    [Fact]
    public async Task Run_WhenInputComesOnStdin_ShouldUseIt()
    {
        var (exit, stdout, stderr) = await PipelineAsync("""{"n":4}""", "states", "run", "-f", Definition(Counter));

        Assert.True(exit == 0, stderr);
        Assert.Equal("""{"n":5}""", stdout);
    }

    [Fact]
    public async Task Run_WhenExecutionFails_ShouldPrintErrorAndCauseAndExitTwo()
    {
        var (exit, stdout, _) = await PipelineAsync(null, "states", "run", "-f", Definition(Counter), "--input", """{"n":10}""");

        Assert.Equal(2, exit);
        var error = JsonNode.Parse(stdout)!;
        Assert.Equal("Counter.TooBig", error["error"]!.GetValue<string>());
        Assert.Equal("n is 11", error["cause"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_WhenDefinitionIsInvalid_ShouldSayWhyAndExitOne()
    {
        var (exit, stdout, stderr) = await PipelineAsync(null, "states", "run", "-f", Definition("""{"StartAt":"A","States":{"A":{"Type":"Pass"}}}"""));

        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.Contains("/States/A: a state must have either 'Next' or 'End': true", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WhenTasksCallRealFunction_ShouldGoThroughTheLocalLambdaService()
    {
        await using var lambda = new LocalLambdaService([await FunctionBinaries.PublishedAsync("NormalizeTriggerFunction")]);
        await lambda.StartAsync();
        var events = Path.Combine(FunctionBinaries.RepositoryRoot, "tests", "Pipeline.Core.Tests", "Triggers", "Events");
        var definition = Definition("""
            {"StartAt":"Normalize","States":{
              "Normalize":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                "Parameters":{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:NormalizeTriggerFunction","Payload.$":"$"},
                "ResultSelector":{"action.$":"$.Payload.action","status.$":"$.StatusCode"},
                "Catch":[{"ErrorEquals":["Pipeline.InvalidInput"],"ResultPath":"$.error","Next":"Rejected"}],"End":true},
              "Rejected":{"Type":"Fail","Error":"Trigger.Rejected","CausePath":"$.error.Error"}}}
            """);

        var (exit, stdout, stderr) = await PipelineAsync(await File.ReadAllTextAsync(Path.Combine(events, "codecommit-branch-updated.json")),
            "states", "run", "-f", definition, "--lambda-endpoint", lambda.Endpoint!.ToString());
        var (badExit, badStdout, _) = await PipelineAsync(await File.ReadAllTextAsync(Path.Combine(events, "manual-no-service.json")),
            "states", "run", "-f", definition, "--lambda-endpoint", lambda.Endpoint!.ToString());

        Assert.True(exit == 0, stderr + stdout);
        Assert.Equal("""{"action":"build","status":200}""", stdout);
        Assert.Equal(2, badExit);
        Assert.Equal("""{"error":"Trigger.Rejected","cause":"Pipeline.InvalidInput"}""", badStdout);
    }
}
