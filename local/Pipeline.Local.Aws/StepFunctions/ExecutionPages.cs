using Microsoft.AspNetCore.Routing;
using Pipeline.States.Service;

namespace Pipeline.Local.Aws.StepFunctions;

/// <summary>
/// The local stand-in for the Step Functions console page of an execution, which a commit status links:
/// <c>GET /executions/{executionArn}</c> answers its status, input, output or error and its history as JSON.
/// </summary>
public static class ExecutionPages
{
    public const string Path = "/executions";

    public static IEndpointConventionBuilder MapExecutionPages(this IEndpointRouteBuilder endpoints, StepFunctionsService service) =>
        endpoints.MapGet(Path + "/{executionArn}", (string executionArn) =>
        {
            try
            {
                var e = service.DescribeExecution(executionArn);
                return Results.Json(new JsonObject
                {
                    ["executionArn"] = e.ExecutionArn,
                    ["name"] = e.Name,
                    ["status"] = e.Status.ToString(),
                    ["startDate"] = e.StartDate.ToString("O"),
                    ["stopDate"] = e.StopDate?.ToString("O"),
                    ["input"] = e.Input,
                    ["output"] = e.Output,
                    ["error"] = e.Error,
                    ["cause"] = e.Cause,
                    ["events"] = new JsonArray([.. e.Events.Select(h => (JsonNode)h.ToJson())]),
                });
            }
            catch (StepFunctionsException x)
            {
                return Results.Json(new JsonObject { ["__type"] = x.Code, ["message"] = x.Message }, statusCode: 404);
            }
        });
}
