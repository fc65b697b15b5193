using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.States.Definition;
using Pipeline.States.Integrations;
using Pipeline.States.Json;
using Pipeline.States.Runtime;
using Pipeline.States.Service;

namespace Pipeline.Local.Commands;

/// <summary>
/// <c>pipeline states run -f DEF.json [--input JSON | &lt; input]</c>: one execution, Lambda tasks only.
/// Exit 0 with the output on stdout; 2 with {"error","cause"} when the execution fails; 1 for an invalid definition.
/// <c>pipeline states serve</c>: the Step Functions API on a loopback port, journaled to a directory.
/// </summary>
internal static class StatesCommand
{
    private const int Failed = 2;
    private const int Invalid = 1;

    public static Command Create()
    {
        var states = new Command("states", "Run Amazon States Language state machines locally");
        states.Subcommands.Add(RunCommand());
        states.Subcommands.Add(ServeCommand());
        return states;
    }

    private static Option<string?> LambdaEndpointOption() => new("--lambda-endpoint")
    {
        Description = "Base URL of the Lambda Invoke API (default: $AWS_ENDPOINT_URL_LAMBDA, then $AWS_ENDPOINT_URL)",
    };

    private static Option<double> WaitScaleOption() => new("--wait-scale")
    {
        Description = "Multiplier for Wait and Retry delays (0 skips them)",
        DefaultValueFactory = _ => 1.0,
    };

    private static Command RunCommand()
    {
        var file = new Option<FileInfo>("--file", "-f") { Description = "The state machine definition (.asl.json)", Required = true };
        var input = new Option<string?>("--input") { Description = "Execution input JSON (default: stdin when redirected, else {})" };
        var lambda = LambdaEndpointOption();
        var scale = WaitScaleOption();
        var run = new Command("run", "Run one execution and print its output") { file, input, lambda, scale };
        run.SetAction(async (result, ct) =>
        {
            var definitionFile = result.GetValue(file)!;
            if (!definitionFile.Exists)
            {
                await Console.Error.WriteLineAsync($"states run: definition file '{definitionFile.FullName}' does not exist");
                return Invalid;
            }
            StateMachineDefinition definition;
            try
            {
                definition = DefinitionParser.Parse(await File.ReadAllTextAsync(definitionFile.FullName, ct));
            }
            catch (InvalidDefinitionException e)
            {
                await Console.Error.WriteLineAsync($"{definitionFile.Name}: {e.Message}");
                return Invalid;
            }
            var inputText = result.GetValue(input) ?? (Console.IsInputRedirected ? await Console.In.ReadToEndAsync(ct) : "{}");
            JsonNode? inputNode;
            try
            {
                inputNode = JsonValues.Parse(string.IsNullOrWhiteSpace(inputText) ? "{}" : inputText);
            }
            catch (JsonException e)
            {
                await Console.Error.WriteLineAsync($"states run: the input is not JSON: {e.Message}");
                return Invalid;
            }
            using var http = LambdaClient(result.GetValue(lambda));
            var engine = new StatesEngine(new EngineOptions
            {
                Integrations = LambdaOnly(http),
                WaitTimeScale = result.GetValue(scale),
            });
            var name = Path.GetFileNameWithoutExtension(Path.GetFileNameWithoutExtension(definitionFile.Name));
            var identity = ExecutionIdentity.Local(name, Guid.NewGuid().ToString(), DateTimeOffset.UtcNow);
            var outcome = await engine.RunAsync(definition, inputNode, identity, cancellationToken: ct);
            if (outcome.Status == ExecutionStatus.Succeeded)
            {
                Console.WriteLine(JsonValues.Serialize(outcome.Output));
                return 0;
            }
            Console.WriteLine(JsonValues.Serialize(new JsonObject { ["error"] = outcome.Error, ["cause"] = outcome.Cause }));
            return Failed;
        });
        return run;
    }

    private static Command ServeCommand()
    {
        var port = new Option<int>("--port") { Description = "Loopback port (0 picks a free one)", DefaultValueFactory = _ => 0 };
        var journal = new Option<DirectoryInfo>("--journal")
        {
            Description = "Directory that keeps state machines and executions across restarts",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(Environment.GetEnvironmentVariable("PIPELINE_ROOT") ?? ".", ".pipeline", "states")),
        };
        var lambda = LambdaEndpointOption();
        var scale = WaitScaleOption();
        var serve = new Command("serve", "Serve the Step Functions API (AWS JSON 1.0) on 127.0.0.1") { port, journal, lambda, scale };
        serve.SetAction(async (result, ct) =>
        {
            using var http = LambdaClient(result.GetValue(lambda));
            var engine = new StatesEngine(new EngineOptions { Integrations = LambdaOnly(http), WaitTimeScale = result.GetValue(scale) });
            await using var service = new StepFunctionsService(engine, new ExecutionJournal(result.GetValue(journal)!.FullName));
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.WebHost.UseUrls($"http://127.0.0.1:{result.GetValue(port)}");
            await using var app = builder.Build();
            app.MapStepFunctionsApi(service);
            await app.StartAsync(ct);
            Console.WriteLine($"Step Functions API listening on {string.Join(", ", app.Urls)}");
            await app.WaitForShutdownAsync(ct);
            return 0;
        });
        return serve;
    }

    private static HttpClient LambdaClient(string? endpoint)
    {
        endpoint ??= Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_LAMBDA") ?? Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL");
        var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        if (endpoint is not null)
        {
            client.BaseAddress = new Uri(endpoint.EndsWith('/') ? endpoint : endpoint + "/");
        }
        return client;
    }

    private static TaskIntegrationRegistry LambdaOnly(HttpClient http)
    {
        var registry = new TaskIntegrationRegistry();
        if (http.BaseAddress is null)
        {
            return registry;
        }
        var lambda = new LambdaInvokeIntegration(http);
        return registry
            .Register(LambdaInvokeIntegration.OptimizedResource, lambda)
            .Register(LambdaInvokeIntegration.FunctionArnPattern, lambda);
    }
}
