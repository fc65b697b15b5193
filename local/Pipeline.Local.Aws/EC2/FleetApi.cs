using Pipeline.Local.Aws.EC2;
using Pipeline.Local.Aws.ELBv2;

namespace Pipeline.Local.Aws.EC2;

/// <summary>
/// The local fleet over HTTP, what EC2 RunInstances/TerminateInstances/DescribeInstances are on AWS,
/// so that a LaunchInstances function given <c>PIPELINE_FLEET_ENDPOINT</c> can start a version's
/// instances from its artifact and terminate them by id:
/// <c>POST /fleet/instances</c> {service, version, artifactKey, artifactSha256, count, artifactBucket?, start?, entry?, environment?, secrets?}
/// (artifactKey names a gzip tar, which must have the recorded artifactSha256; start is the manifest's start command;
/// secrets maps variable names to the parameters of the local parameter store each instance reads at start),
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

            try
            {
                var count = Integer(request, "count", 1, MaxCount) ?? 1;
                var environment = new Dictionary<string, string>(instanceEnvironment);
                foreach (var (key, value) in Variables(request, "environment"))
                {
                    environment[key] = value;
                }

                var spec = new InstanceSpec(Text(request, "service")!, Text(request, "version")!,
                    Text(request, "artifactBucket", required: false) ?? artifactBucket, Text(request, "artifactKey")!,
                    Text(request, "entry", required: false), environment, Text(request, "start", required: false),
                    Text(request, "artifactSha256")!)
                {
                    Secrets = Variables(request, "secrets").ToDictionary(StringComparer.Ordinal),
                };
                var instances = await fleet.LaunchAsync(spec, count, http.RequestAborted);
                await WriteAsync(http, 200, new JsonObject { ["instances"] = Instances(instances) });
            }
            catch (PipelineException e)
            {
                await WriteAsync(http, 400, new JsonObject { ["errorType"] = e.ErrorType, ["errorMessage"] = e.Message });
            }
            catch (FleetRequestException e)
            {
                await WriteAsync(http, 400, new JsonObject { ["errorType"] = FleetRequestException.ErrorType, ["errorMessage"] = e.Message });
            }
        });
        app.MapPost("/fleet/terminate", async (HttpContext http) =>
        {
            var request = await ReadAsync(http);
            if (request is null)
            {
                return;
            }

            List<string> ids;
            try
            {
                ids = InstanceIds(request);
            }
            catch (FleetRequestException e)
            {
                await WriteAsync(http, 400, new JsonObject { ["errorType"] = FleetRequestException.ErrorType, ["errorMessage"] = e.Message });
                return;
            }

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

    private const int MaxCount = 20;

    // Each field has one JSON type, as in EC2's API: a value of another type is refused with the field
    // named, never converted (a string count) and never dropped (a non-string environment value).

    private static string? Text(JsonObject request, string field, bool required = true) => request[field] switch
    {
        null when required => throw new FleetRequestException($"{field}: required, a non-empty string"),
        null => null,
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String && v.GetValue<string>().Length > 0 => v.GetValue<string>(),
        var other => throw new FleetRequestException($"{field}: must be a non-empty string, got {Show(other)}"),
    };

    private static int? Integer(JsonObject request, string field, int min, int max) => request[field] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number && v.TryGetValue<int>(out var n) =>
            n >= min && n <= max ? n : throw new FleetRequestException($"{field}: must be {min}-{max}, got {n}"),
        var other => throw new FleetRequestException($"{field}: must be a whole number from {min} to {max}, got {Show(other)}"),
    };

    private static IEnumerable<KeyValuePair<string, string>> Variables(JsonObject request, string field) => request[field] switch
    {
        null => [],
        JsonObject variables => [.. variables.Select(p => p.Value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String
            ? KeyValuePair.Create(p.Key, v.GetValue<string>())
            : throw new FleetRequestException($"{field}.{p.Key}: must be a string, got {Show(p.Value)}"))],
        var other => throw new FleetRequestException($"{field}: must be an object of NAME: string, got {Show(other)}"),
    };

    private static List<string> InstanceIds(JsonObject request) => request["instanceIds"] switch
    {
        JsonArray ids => [.. ids.Select((id, i) => id is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String && v.GetValue<string>().Length > 0
            ? v.GetValue<string>()
            : throw new FleetRequestException($"instanceIds[{i}]: must be a non-empty string, got {Show(id)}"))],
        null => throw new FleetRequestException("instanceIds: required, a list of instance ids"),
        var other => throw new FleetRequestException($"instanceIds: must be a list of instance ids, got {Show(other)}"),
    };

    private static string Show(JsonNode? value)
    {
        var json = value?.ToJsonString() ?? "null";
        return json.Length > 100 ? json[..100] + "..." : json;
    }

    /// <summary>A request the fleet API refuses before launching anything: HTTP 400 naming the field.</summary>
    private sealed class FleetRequestException(string message) : Exception(message)
    {
        public const string ErrorType = "InvalidParameterValue";
    }

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
