using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Pipeline.States.Runtime;
using Pipeline.States.Service;

namespace Pipeline.Local.StepFunctions;

/// <summary>
/// The Step Functions API as AWS JSON 1.0: POST with <c>X-Amz-Target: AWSStepFunctions.&lt;Operation&gt;</c>,
/// so <c>aws stepfunctions --endpoint-url</c> and the SDKs work against the local service.
/// </summary>
public static class StepFunctionsApi
{
    private const string ContentType = "application/x-amz-json-1.0";
    private const string TargetPrefix = "AWSStepFunctions.";

    public static IEndpointConventionBuilder MapStepFunctionsApi(this IEndpointRouteBuilder endpoints, StepFunctionsService service, string pattern = "/")
    {
        ArgumentNullException.ThrowIfNull(service);
        return endpoints.MapPost(pattern, (HttpContext http) => HandleAsync(http, service));
    }

    private static async Task HandleAsync(HttpContext http, StepFunctionsService service)
    {
        var target = http.Request.Headers["X-Amz-Target"].ToString();
        JsonObject? response;
        try
        {
            if (!target.StartsWith(TargetPrefix, StringComparison.Ordinal))
            {
                throw new StepFunctionsException("UnknownOperationException", $"X-Amz-Target '{target}' is not an AWSStepFunctions operation");
            }
            JsonObject request;
            try
            {
                request = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject
                    ?? throw new StepFunctionsException("SerializationException", "The request body must be a JSON object");
            }
            catch (JsonException e)
            {
                throw new StepFunctionsException("SerializationException", $"The request body is not JSON: {e.Message}");
            }
            response = await DispatchAsync(target[TargetPrefix.Length..], request, service);
        }
        catch (StepFunctionsException e)
        {
            http.Response.StatusCode = 400;
            http.Response.Headers["x-amzn-ErrorType"] = e.Code;
            response = new JsonObject { ["__type"] = e.Code, ["message"] = e.Message };
        }
        http.Response.ContentType = ContentType;
        http.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await http.Response.WriteAsync(Pipeline.States.Json.JsonValues.Serialize(response), http.RequestAborted);
    }

    private static async Task<JsonObject> DispatchAsync(string operation, JsonObject r, StepFunctionsService service)
    {
        switch (operation)
        {
            case "CreateStateMachine":
            {
                var m = service.CreateStateMachine(Required(r, "name"), Required(r, "definition"), Optional(r, "roleArn"));
                return new JsonObject { ["stateMachineArn"] = m.Arn, ["creationDate"] = Epoch(m.CreationDate) };
            }
            case "UpdateStateMachine":
                service.UpdateStateMachine(Required(r, "stateMachineArn"), Required(r, "definition"));
                return new JsonObject { ["updateDate"] = Epoch(DateTimeOffset.UtcNow) };
            case "DescribeStateMachine":
            {
                var m = service.DescribeStateMachine(Required(r, "stateMachineArn"));
                return new JsonObject
                {
                    ["stateMachineArn"] = m.Arn,
                    ["name"] = m.Name,
                    ["status"] = "ACTIVE",
                    ["definition"] = m.DefinitionJson,
                    ["roleArn"] = m.RoleArn,
                    ["type"] = "STANDARD",
                    ["creationDate"] = Epoch(m.CreationDate),
                };
            }
            case "ListStateMachines":
                return Page(r, "stateMachines", service.ListStateMachines().Select(m => (JsonNode)new JsonObject
                {
                    ["stateMachineArn"] = m.Arn,
                    ["name"] = m.Name,
                    ["type"] = "STANDARD",
                    ["creationDate"] = Epoch(m.CreationDate),
                }).ToList());
            case "StartExecution":
            {
                var e = service.StartExecution(Required(r, "stateMachineArn"), Optional(r, "name"), Optional(r, "input"));
                return new JsonObject { ["executionArn"] = e.ExecutionArn, ["startDate"] = Epoch(e.StartDate) };
            }
            case "DescribeExecution":
                return Describe(service.DescribeExecution(Required(r, "executionArn")));
            case "StopExecution":
            {
                var e = await service.StopExecutionAsync(Required(r, "executionArn"), Optional(r, "error"), Optional(r, "cause"));
                return new JsonObject { ["stopDate"] = Epoch(e.StopDate ?? DateTimeOffset.UtcNow) };
            }
            case "GetExecutionHistory":
            {
                var events = service.GetExecutionHistory(Required(r, "executionArn")).Select(e => (JsonNode)e.ToJson()).ToList();
                if (r["reverseOrder"]?.GetValue<bool>() == true)
                {
                    events.Reverse();
                }
                return Page(r, "events", events);
            }
            case "ListExecutions":
            {
                ExecutionStatus? filter = Optional(r, "statusFilter") is { } s ? ParseStatus(s) : null;
                return Page(r, "executions", service.ListExecutions(Required(r, "stateMachineArn"), filter).Select(e => (JsonNode)Summary(e)).ToList());
            }
            default:
                throw new StepFunctionsException("UnknownOperationException", $"Operation '{operation}' is not supported by the local Step Functions service");
        }
    }

    private static JsonObject Summary(ExecutionRecord e)
    {
        var o = new JsonObject
        {
            ["executionArn"] = e.ExecutionArn,
            ["stateMachineArn"] = e.StateMachineArn,
            ["name"] = e.Name,
            ["status"] = Status(e.Status),
            ["startDate"] = Epoch(e.StartDate),
        };
        if (e.StopDate is { } stop)
        {
            o["stopDate"] = Epoch(stop);
        }
        return o;
    }

    private static JsonObject Describe(ExecutionRecord e)
    {
        var o = Summary(e);
        o["input"] = e.Input;
        o["inputDetails"] = new JsonObject { ["included"] = true };
        if (e.Output is not null)
        {
            o["output"] = e.Output;
            o["outputDetails"] = new JsonObject { ["included"] = true };
        }
        if (e.Error is not null)
        {
            o["error"] = e.Error;
        }
        if (e.Cause is not null)
        {
            o["cause"] = e.Cause;
        }
        return o;
    }

    /// <summary>maxResults/nextToken paging; the token is the offset of the next item.</summary>
    private static JsonObject Page(JsonObject r, string field, List<JsonNode> items)
    {
        var offset = 0;
        if (Optional(r, "nextToken") is { } token && (!int.TryParse(token, out offset) || offset < 0 || offset > items.Count))
        {
            throw new StepFunctionsException("InvalidToken", $"Invalid Token: '{token}'");
        }
        var max = r["maxResults"] is { } m && m.GetValue<int>() > 0 ? m.GetValue<int>() : 1000;
        var page = items.Skip(offset).Take(max).ToArray();
        var o = new JsonObject { [field] = new JsonArray(page) };
        if (offset + page.Length < items.Count)
        {
            o["nextToken"] = (offset + page.Length).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return o;
    }

    private static string Required(JsonObject r, string field) =>
        Optional(r, field) ?? throw new StepFunctionsException("ValidationException", $"1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must not be null");

    private static string? Optional(JsonObject r, string field) =>
        r[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static double Epoch(DateTimeOffset t) => t.ToUnixTimeMilliseconds() / 1000.0;

    private static string Status(ExecutionStatus s) => s switch
    {
        ExecutionStatus.Running => "RUNNING",
        ExecutionStatus.Succeeded => "SUCCEEDED",
        ExecutionStatus.Failed => "FAILED",
        ExecutionStatus.TimedOut => "TIMED_OUT",
        _ => "ABORTED",
    };

    private static ExecutionStatus ParseStatus(string s) => s switch
    {
        "RUNNING" => ExecutionStatus.Running,
        "SUCCEEDED" => ExecutionStatus.Succeeded,
        "FAILED" => ExecutionStatus.Failed,
        "TIMED_OUT" => ExecutionStatus.TimedOut,
        "ABORTED" => ExecutionStatus.Aborted,
        _ => throw new StepFunctionsException("ValidationException", $"Value '{s}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED]"),
    };
}
