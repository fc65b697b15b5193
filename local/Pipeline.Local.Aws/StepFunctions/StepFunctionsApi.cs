using Microsoft.AspNetCore.Routing;
using Pipeline.Aws;
using Pipeline.Aws.StepFunctions;
using Pipeline.States.Runtime;
using Pipeline.States.Service;

namespace Pipeline.Local.Aws.StepFunctions;

/// <summary>
/// The Step Functions API as AWS JSON 1.0: POST with <c>X-Amz-Target: AWSStepFunctions.&lt;Operation&gt;</c>,
/// so <c>aws stepfunctions --endpoint-url</c> and the SDKs work against the local service.
/// </summary>
public static class StepFunctionsApi
{
    // The protocol the functions' own Step Functions client speaks: one definition for both ends.
    private static readonly AwsJsonService Protocol = StepFunctionsClient.Service;
    private static readonly string TargetPrefix = Protocol.TargetPrefix + ".";
    private const int NameMax = 80;
    private const int DefinitionMax = 1048576;

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
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A fault of the local service itself: still an AWS error body, never an empty 500.
            http.Response.StatusCode = 500;
            http.Response.Headers["x-amzn-ErrorType"] = "InternalFailure";
            response = new JsonObject { ["__type"] = "InternalFailure", ["message"] = $"{e.GetType().Name}: {e.Message}" };
        }
        http.Response.ContentType = Protocol.ContentType;
        http.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await http.Response.WriteAsync(Pipeline.States.Json.JsonValues.Serialize(response), http.RequestAborted);
    }

    private static async Task<JsonObject> DispatchAsync(string operation, JsonObject body, StepFunctionsService service)
    {
        var r = new ApiRequest(body);
        switch (operation)
        {
            case "CreateStateMachine":
            {
                if (r.Enum("type", "STANDARD", "EXPRESS") == "EXPRESS")
                {
                    throw new StepFunctionsException("StateMachineTypeNotSupported", "The local Step Functions service runs STANDARD state machines only");
                }

                var m = service.CreateStateMachine(r.Required("name", NameMax), r.Required("definition", DefinitionMax), r.Required("roleArn"));
                return new JsonObject { ["stateMachineArn"] = m.Arn, ["creationDate"] = Epoch(m.CreationDate) };
            }
            case "UpdateStateMachine":
                service.UpdateStateMachine(r.Required("stateMachineArn"), r.Required("definition", DefinitionMax));
                return new JsonObject { ["updateDate"] = Epoch(DateTimeOffset.UtcNow) };
            case "DescribeStateMachine":
            {
                var m = service.DescribeStateMachine(r.Required("stateMachineArn"));
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
                // The input is a string holding JSON; AWS caps it at 256 KiB counted in UTF-8 bytes.
                var input = r.Optional("input", StepFunctionsService.MaxPayloadBytes, min: 0, utf8Bytes: true);
                r.Optional("traceHeader", 256, min: 0);
                var e = service.StartExecution(r.Required("stateMachineArn"), r.Optional("name", NameMax), input);
                return new JsonObject { ["executionArn"] = e.ExecutionArn, ["startDate"] = Epoch(e.StartDate) };
            }
            case "DescribeExecution":
                return Describe(service.DescribeExecution(r.Required("executionArn")));
            case "StopExecution":
            {
                var e = await service.StopExecutionAsync(r.Required("executionArn"), r.Optional("error", 256, min: 0), r.Optional("cause", 32768, min: 0));
                return new JsonObject { ["stopDate"] = Epoch(e.StopDate ?? DateTimeOffset.UtcNow) };
            }
            case "GetExecutionHistory":
            {
                var events = service.GetExecutionHistory(r.Required("executionArn")).Select(e => (JsonNode)e.ToJson()).ToList();
                r.Boolean("includeExecutionData");
                if (r.Boolean("reverseOrder") == true)
                {
                    events.Reverse();
                }
                return Page(r, "events", events);
            }
            case "ListExecutions":
            {
                var status = r.Enum("statusFilter", "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE");
                var executions = service.ListExecutions(r.Required("stateMachineArn"), status is null or "PENDING_REDRIVE" ? null : ParseStatus(status));
                // Nothing is ever redriven locally, so no execution is pending a redrive.
                return Page(r, "executions", status == "PENDING_REDRIVE" ? [] : executions.Select(e => (JsonNode)Summary(e)).ToList(), tokenMax: 3096);
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

    /// <summary>maxResults/nextToken paging; the token is the offset of the next item; maxResults 0 means the default.</summary>
    private static JsonObject Page(ApiRequest r, string field, List<JsonNode> items, int tokenMax = ApiRequest.PageTokenMax)
    {
        var offset = 0;
        if (r.Optional("nextToken", tokenMax) is { } token && (!int.TryParse(token, out offset) || offset < 0 || offset > items.Count))
        {
            throw new StepFunctionsException("InvalidToken", $"Invalid Token: '{token}'");
        }
        var max = r.Integer("maxResults", 0, 1000) is { } m and > 0 ? m : 1000;
        var page = items.Skip(offset).Take(max).ToArray();
        var o = new JsonObject { [field] = new JsonArray(page) };
        if (offset + page.Length < items.Count)
        {
            o["nextToken"] = (offset + page.Length).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return o;
    }

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
        _ => ExecutionStatus.Aborted,
    };
}
