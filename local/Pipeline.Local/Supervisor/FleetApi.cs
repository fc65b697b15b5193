using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Pipeline.Core.Errors;
using Pipeline.Local.Stack.Fleet;

namespace Pipeline.Local.Supervisor;

/// <summary>
/// The local fleet over HTTP, what EC2 RunInstances/TerminateInstances/DescribeInstances are on AWS,
/// so that a LaunchInstances function given <c>PIPELINE_FLEET_ENDPOINT</c> can start a version's
/// instances from its artifact and terminate them by id:
/// <c>POST /fleet/instances</c> {service, version, artifactKey, artifactSha256, count, artifactBucket?, start?, entry?, environment?}
/// (artifactKey names a gzip tar, which must have the recorded artifactSha256; start is the manifest's start command),
/// <c>POST /fleet/terminate</c> {instanceIds}, <c>GET /fleet/instances?service=&amp;version=</c>.
/// Every instance also gets the stack's AWS endpoints, so a service reaches its tables in dynalite.
/// </summary>
internal static class FleetApi
{
    public static void Map(WebApplication app, IFleet fleet, string artifactBucket, IReadOnlyDictionary<string, string> instanceEnvironment)
    {
        app.MapPost("/fleet/instances", async (HttpContext http) =>
        {
            var request = await ReadAsync(http);
            if (request is null)
            {
                return;
            }

            string Field(string name) => request[name]?.GetValue<string>() is { Length: > 0 } value ? value
                : throw new LaunchFailedException($"{name}: required, a non-empty string");
            try
            {
                var count = request["count"]?.GetValue<int>() ?? 1;
                if (count is < 1 or > 20)
                {
                    throw new LaunchFailedException($"count: must be 1-20, got {count}");
                }

                var environment = new Dictionary<string, string>(instanceEnvironment);
                foreach (var (key, value) in request["environment"] as JsonObject ?? [])
                {
                    environment[key] = value?.ToString() ?? "";
                }

                var instances = await fleet.LaunchAsync(
                    new InstanceSpec(Field("service"), Field("version"), request["artifactBucket"]?.GetValue<string>() ?? artifactBucket,
                        Field("artifactKey"), request["entry"]?.GetValue<string>(), environment, request["start"]?.GetValue<string>(),
                        Field("artifactSha256")),
                    count, http.RequestAborted);
                await WriteAsync(http, 200, new JsonObject { ["instances"] = Instances(instances) });
            }
            catch (PipelineException e)
            {
                await WriteAsync(http, 400, new JsonObject { ["errorType"] = e.ErrorType, ["errorMessage"] = e.Message });
            }
        });
        app.MapPost("/fleet/terminate", async (HttpContext http) =>
        {
            var request = await ReadAsync(http);
            if (request is null)
            {
                return;
            }

            var ids = (request["instanceIds"] as JsonArray ?? []).Select(i => i?.ToString() ?? "").Where(i => i.Length > 0).ToList();
            await fleet.TerminateAsync(ids, http.RequestAborted);
            await WriteAsync(http, 200, new JsonObject { ["instances"] = Instances([.. ids.Select(fleet.Find).OfType<FleetInstance>()]) });
        });
        app.MapGet("/fleet/instances", (HttpContext http) => WriteAsync(http, 200, new JsonObject
        {
            ["instances"] = Instances(fleet.Describe(
                http.Request.Query["service"].FirstOrDefault(), http.Request.Query["version"].FirstOrDefault())),
        }));
    }

    public static JsonArray Instances(IEnumerable<FleetInstance> instances) => new([.. instances.Select(i => (JsonNode)new JsonObject
    {
        ["instanceId"] = i.InstanceId,
        ["service"] = i.Service,
        ["version"] = i.Version,
        ["address"] = i.Address,
        ["port"] = i.Port,
        ["processId"] = i.ProcessId,
        ["state"] = i.State,
        ["exitCode"] = i.ExitCode,
        ["stateReason"] = i.StateReason,
        ["launchTime"] = i.LaunchTime.ToString("O", CultureInfo.InvariantCulture),
        ["logPath"] = i.LogPath,
    })]);

    private static async Task<JsonObject?> ReadAsync(HttpContext http)
    {
        try
        {
            return await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject
                ?? throw new System.Text.Json.JsonException("the body must be a JSON object");
        }
        catch (System.Text.Json.JsonException e)
        {
            await WriteAsync(http, 400, new JsonObject { ["errorType"] = "InvalidRequest", ["errorMessage"] = e.Message });
            return null;
        }
    }

    private static async Task WriteAsync(HttpContext http, int status, JsonObject body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body.ToJsonString(), http.RequestAborted);
    }
}
