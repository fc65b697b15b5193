using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Pipeline.Local.Supervisor.Executions;

/// <summary>
/// The Step Functions API over the local executions (AWS JSON 1.0: <c>POST /</c> with
/// <c>X-Amz-Target: AWSStepFunctions.&lt;Operation&gt;</c>), enough for the pipeline CLI and for
/// <c>aws stepfunctions --endpoint-url</c>: StartExecution, DescribeExecution, StopExecution,
/// ListExecutions, GetExecutionHistory, ListStateMachines, DescribeStateMachine.
/// </summary>
internal static class StepFunctionsApi
{
    private const string ContentType = "application/x-amz-json-1.0";

    public static void Map(WebApplication app, LocalStepFunctions states) =>
        app.MapPost("/", async (HttpContext http) =>
        {
            var target = http.Request.Headers["X-Amz-Target"].ToString();
            JsonObject request;
            try
            {
                request = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject ?? [];
            }
            catch (System.Text.Json.JsonException e)
            {
                await WriteAsync(http, 400, Error("SerializationException", e.Message));
                return;
            }

            try
            {
                var response = await DispatchAsync(states, target, request);
                await WriteAsync(http, 200, response);
            }
            catch (Exception e) when (e is StateMachineDoesNotExistException or ExecutionDoesNotExistException
                                          or InvalidExecutionInputException or ExecutionAlreadyExistsException
                                          or UnknownOperationException or ArgumentException)
            {
                await WriteAsync(http, 400, Error(e.GetType().Name.Replace("Exception", "", StringComparison.Ordinal) switch
                {
                    "Argument" => "ValidationException",
                    var name => name,
                }, e.Message));
            }
        });

    private static async Task<JsonObject> DispatchAsync(LocalStepFunctions states, string target, JsonObject request)
    {
        string Required(string field) => request[field]?.GetValue<string>() is { Length: > 0 } value
            ? value : throw new ArgumentException($"1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must not be null");

        switch (target)
        {
            case "AWSStepFunctions.StartExecution":
                return states.Start(Required("stateMachineArn"), request["name"]?.GetValue<string>(), request["input"]?.GetValue<string>());
            case "AWSStepFunctions.DescribeExecution":
                return states.Describe(Required("executionArn"));
            case "AWSStepFunctions.StopExecution":
                await states.StopAsync(Required("executionArn"));
                return new JsonObject { ["stopDate"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 };
            case "AWSStepFunctions.ListExecutions":
                var executions = states.List(request["stateMachineArn"]?.GetValue<string>());
                var status = request["statusFilter"]?.GetValue<string>();
                return new JsonObject
                {
                    ["executions"] = new JsonArray([.. executions
                        .Where(e => status is null || e["status"]?.GetValue<string>() == status)
                        .Select(e =>
                        {
                            e.Remove("input");
                            e.Remove("output");
                            return (JsonNode)e;
                        })]),
                };
            case "AWSStepFunctions.GetExecutionHistory":
                var events = states.History(Required("executionArn"));
                if (request["reverseOrder"]?.GetValue<bool>() == true)
                {
                    events = new JsonArray([.. events.Reverse().Select(e => e!.DeepClone())]);
                }

                return new JsonObject { ["events"] = events };
            case "AWSStepFunctions.ListStateMachines":
                return new JsonObject
                {
                    ["stateMachines"] = new JsonArray([.. states.Machines.Select(m => (JsonNode)new JsonObject
                    {
                        ["stateMachineArn"] = m.Arn,
                        ["name"] = m.Name,
                        ["type"] = "STANDARD",
                    })]),
                };
            case "AWSStepFunctions.DescribeStateMachine":
                var machine = states.Machine(Required("stateMachineArn"));
                return new JsonObject
                {
                    ["stateMachineArn"] = machine.Arn,
                    ["name"] = machine.Name,
                    ["status"] = "ACTIVE",
                    ["definition"] = machine.DefinitionText,
                    ["type"] = "STANDARD",
                };
            default:
                throw new UnknownOperationException($"The operation '{target}' is not served by the local Step Functions API");
        }
    }

    private static JsonObject Error(string type, string message) => new() { ["__type"] = type, ["message"] = message };

    private static async Task WriteAsync(HttpContext http, int status, JsonObject body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = ContentType;
        await http.Response.WriteAsync(body.ToJsonString(), http.RequestAborted);
    }

    private sealed class UnknownOperationException(string message) : Exception(message);
}
