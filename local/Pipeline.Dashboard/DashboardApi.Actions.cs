using Pipeline.Core.Errors;

namespace Pipeline.Dashboard;

/// <summary>
/// The operator's actions, each confirmed in the page first: redeploy a recorded version (what roll back is:
/// a manual execution with a version, as <c>pipeline rollback</c> starts) and unlock (break a deploy lock, recorded).
/// </summary>
internal sealed partial class DashboardApi
{
    private async Task<JsonNode> RedeployAsync(JsonObject body, CancellationToken cancel)
    {
        var service = Text(body, "service");
        var version = Text(body, "version");
        if (await sources.Registry.GetVersionAsync(service, version, cancel) is null)
        {
            throw new DashboardRequestException($"{service} has no recorded version {version}", 404);
        }

        // The name says what the run is, as the console lists it; the suffix keeps two redeploys apart.
        var name = $"manual-{service}-{sources.Clock.GetUtcNow():yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
        var started = await sources.Executions.StartExecutionAsync(sources.DeployStateMachineArn, name,
            new JsonObject { ["service"] = service, ["version"] = version }.ToJsonString(), cancel);
        return new JsonObject { ["executionArn"] = started.ExecutionArn };
    }

    private async Task<JsonNode> UnlockAsync(JsonObject body, CancellationToken cancel)
    {
        var service = Text(body, "service");
        var reason = Text(body, "reason");
        try
        {
            var broken = await sources.Locks.BreakAsync(service, "dashboard", reason, cancel)
                ?? throw new DashboardRequestException($"the deploy lock of {service} is not held; nothing was changed", 409);
            return new JsonObject { ["owner"] = broken.Owner, ["at"] = Epoch(broken.At) };
        }
        catch (InvalidInputException e)
        {
            throw new DashboardRequestException(e.Message);
        }
    }

    private static string Text(JsonObject body, string field) =>
        body[field] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String && v.GetValue<string>().Length is > 0 and <= 500
            ? v.GetValue<string>()
            : throw new DashboardRequestException($"{field}: required, a non-empty string of at most 500 characters");
}
