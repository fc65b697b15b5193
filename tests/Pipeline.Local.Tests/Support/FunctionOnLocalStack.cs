using Microsoft.AspNetCore.Builder;
using Pipeline.States.Integrations;

namespace Pipeline.Local.Tests.Support;

/// <summary>
/// One published function as the stack runs it, with just enough of the stack around it: the local Step
/// Functions service holding the deploy state machine the function's template environment names (with the
/// test's definition), a control endpoint serving that API and whatever else the test maps on it, and the
/// local Lambda service running the function with its template environment only (nothing inherited from
/// the test process) plus the endpoints the test points at the control endpoint.
/// </summary>
internal sealed class FunctionOnLocalStack(FunctionDefinition function, string machineArn, StepFunctionsService stepFunctions) : IAsyncDisposable
{
    public FunctionDefinition Function => function;

    public string MachineArn => machineArn;

    public StepFunctionsService StepFunctions => stepFunctions;

    /// <summary>A state directory for the test's stand-ins (secrets, the GitHub API), removed with the stack.</summary>
    public string State { get; } = Directory.CreateTempSubdirectory("function-stack-").FullName;

    /// <summary>A client for the test's own requests (to the function URL, the control endpoint).</summary>
    public HttpClient Http { get; } = new();

    public LoopbackServer Control { get; private set; } = null!;

    public LocalLambdaService Lambda { get; private set; } = null!;

    /// <summary>A variable of the function's template environment (an ARN the test's stand-ins must answer to).</summary>
    public string Setting(string name) => Function.Environment[name];

    /// <param name="logicalId">The function's logical id in template.yaml.</param>
    /// <param name="machineDefinition">The ASL the deploy machine runs in this test.</param>
    /// <param name="map">Maps the other local APIs the function calls onto the control endpoint.</param>
    /// <param name="endpoints">Given the control endpoint's URL, the variables that point the function at it.</param>
    /// <param name="integrations">The Task resources the test's definition uses, if any.</param>
    public static async Task<FunctionOnLocalStack> StartAsync(
        string logicalId,
        string machineDefinition,
        Action<FunctionOnLocalStack, WebApplication> map,
        Func<string, IReadOnlyDictionary<string, string>> endpoints,
        TaskIntegrationRegistry? integrations = null)
    {
        var function = await FunctionBinaries.PublishedAsync(logicalId);
        var machine = function.Environment["PIPELINE_DEPLOY_STATE_MACHINE_ARN"];
        var arn = machine.Split(':');
        var stepFunctions = new StepFunctionsService(new StatesEngine(new EngineOptions { Region = arn[3], Account = arn[4], Integrations = integrations ?? new() }), null);
        stepFunctions.CreateStateMachine(arn[6], machineDefinition);
        var stack = new FunctionOnLocalStack(function, machine, stepFunctions);
        stack.Control = await LoopbackServer.StartAsync(app =>
        {
            app.MapStepFunctionsApi(stepFunctions);
            map(stack, app);
        });

        var environment = new Dictionary<string, string>(function.Environment) { ["AWS_ENDPOINT_URL_SFN"] = stack.Control.Url };
        foreach (var (name, value) in endpoints(stack.Control.Url))
        {
            environment[name] = value;
        }

        stack.Lambda = new LocalLambdaService([function with { Environment = environment }], new LocalLambdaOptions
        {
            InheritEnvironment = false,
            Credentials = new LambdaCredentials("AKIDLOCAL", "local-secret"),
        });
        return stack;
    }

    public async ValueTask DisposeAsync()
    {
        await Lambda.DisposeAsync();
        await Control.DisposeAsync();
        await StepFunctions.DisposeAsync();
        Http.Dispose();
        Directory.Delete(State, recursive: true);
    }
}
