using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.S3;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Pipeline.Aws;

namespace Pipeline.Dashboard;

/// <summary>
/// The dashboard's JSON API, one partial per page. Every answer is built from <see cref="DashboardSources"/>
/// at request time; the only state kept is the description of executions that have ended, which never changes.
/// </summary>
internal sealed partial class DashboardApi(DashboardSources sources)
{
    /// <summary>Sent by the page with every action: a custom header a cross-site form cannot send, so another site cannot act through the browser.</summary>
    public const string ActionHeader = "X-Pipeline-Dashboard";

    private readonly ConcurrentDictionary<string, JsonObject> _ended = new(StringComparer.Ordinal);

    public void Map(WebApplication app)
    {
        app.MapGet("/api/services", async (HttpContext http) => await (await Answer(http, ServicesAsync)).ExecuteAsync(http));
        app.MapGet("/api/services/{name}", async (HttpContext http) =>
            await (await Answer(http, ServiceOfRequestAsync)).ExecuteAsync(http));
        app.MapGet("/api/executions", async (HttpContext http) => await (await Answer(http, ExecutionsAsync)).ExecuteAsync(http));
        app.MapGet("/api/execution", async (HttpContext http) =>
            await (await Answer(http, ExecutionOfRequestAsync)).ExecuteAsync(http));
        app.MapGet("/api/routes", async (HttpContext http) => await (await Answer(http, RoutesAsync)).ExecuteAsync(http));
        app.MapGet("/api/tables", async (HttpContext http) => await (await Answer(http, TablesAsync)).ExecuteAsync(http));
        app.MapPost("/api/actions/redeploy", async (HttpContext http) => await (await Act(http, RedeployAsync)).ExecuteAsync(http));
        app.MapPost("/api/actions/unlock", async (HttpContext http) => await (await Act(http, UnlockAsync)).ExecuteAsync(http));
    }

    private Task<JsonNode> ServiceOfRequestAsync(HttpContext http) =>
        ServiceAsync(http.Request.RouteValues["name"]?.ToString() ?? "", http.RequestAborted);

    private Task<JsonNode> ExecutionOfRequestAsync(HttpContext http) =>
        ExecutionAsync(http.Request.Query["arn"].ToString(), http.RequestAborted);

    private static Task<IResult> Answer(HttpContext http, Func<CancellationToken, Task<JsonNode>> read) =>
        Answer(http, (HttpContext h) => read(h.RequestAborted));

    private static async Task<IResult> Answer(HttpContext http, Func<HttpContext, Task<JsonNode>> read)
    {
        try
        {
            return Json(await read(http), 200);
        }
        catch (DashboardRequestException e)
        {
            return Json(new JsonObject { ["message"] = e.Message }, e.Status);
        }
        catch (Exception e) when (e is AmazonDynamoDBException or AmazonS3Exception or AwsJsonException or HttpRequestException)
        {
            // A source the page reads from is down or refused: say which, as the CLI would.
            return Json(new JsonObject { ["message"] = $"{e.GetType().Name}: {e.Message}" }, 502);
        }
    }

    private static async Task<IResult> Act(HttpContext http, Func<JsonObject, CancellationToken, Task<JsonNode>> act)
    {
        if (http.Request.Headers[ActionHeader] != "1")
        {
            return Json(new JsonObject { ["message"] = $"actions need the {ActionHeader} header the dashboard sends" }, 403);
        }

        JsonObject body;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject
                ?? throw new DashboardRequestException("the body must be a JSON object");
        }
        catch (System.Text.Json.JsonException e)
        {
            return Json(new JsonObject { ["message"] = $"the body is not JSON: {e.Message}" }, 400);
        }
        catch (DashboardRequestException e)
        {
            return Json(new JsonObject { ["message"] = e.Message }, e.Status);
        }

        return await Answer(http, (HttpContext h) => act(body, h.RequestAborted));
    }

    private static IResult Json(JsonNode body, int status) =>
        Results.Content(body.ToJsonString(), "application/json", System.Text.Encoding.UTF8, status);

    private static double Epoch(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / 1000.0;
}

/// <summary>A request the dashboard refuses, with the HTTP status and a message the page shows.</summary>
internal sealed class DashboardRequestException(string message, int status = 400) : Exception(message)
{
    public int Status { get; } = status;
}
