using System.Globalization;
using Pipeline.Core.Registry;

namespace Pipeline.Dashboard;

/// <summary>Services: live and latest version, status, instances, routes owned; one service's versions and runs.</summary>
internal sealed partial class DashboardApi
{
    private async Task<JsonNode> ServicesAsync(CancellationToken cancel)
    {
        var services = await sources.Registry.ListServicesAsync(cancel);
        var latest = new VersionRecord?[services.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, services.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancel },
            async (i, c) =>
            {
                // Only a latest version that is not live says more than the service record (failed, rolled back).
                if (services[i].LiveLabel != services[i].LatestLabel)
                {
                    latest[i] = await sources.Registry.GetVersionAsync(services[i].Name, services[i].LatestLabel, c);
                }
            });
        var claims = await sources.Registry.ListRouteClaimsAsync(cancel);
        var running = await RunningByServiceAsync(cancel);
        var instances = sources.Instances is null ? [] : await sources.Instances(cancel);
        return new JsonObject
        {
            ["services"] = new JsonArray([.. services.Select((s, i) => (JsonNode)ServiceJson(s, latest[i], running, claims, instances))]),
        };
    }

    private async Task<JsonNode> ServiceAsync(string name, CancellationToken cancel)
    {
        var service = await sources.Registry.GetServiceAsync(name, cancel)
            ?? throw new DashboardRequestException($"no service named '{name}' in the registry", 404);
        var versions = await sources.Registry.ListVersionsAsync(name, cancel);
        var executions = (await ListExecutionsAsync(cancel)).Where(e => e["service"]?.ToString() == name).ToList();
        var running = executions.Where(e => e["status"]?.ToString() == "RUNNING").Select(e => e["executionArn"]!.ToString()).ToList();
        var json = ServiceJson(service, versions.FirstOrDefault(v => v.Label == service.LatestLabel),
            new Dictionary<string, List<string>>(StringComparer.Ordinal) { [name] = running },
            await sources.Registry.ListRouteClaimsAsync(cancel),
            sources.Instances is null ? [] : await sources.Instances(cancel));
        json["versions"] = new JsonArray([.. versions.Select(v => (JsonNode)new JsonObject
        {
            ["label"] = v.Label,
            ["count"] = v.Count,
            ["commit"] = v.Commit,
            ["status"] = v.Status.ToString().ToLowerInvariant(),
            ["recordedAt"] = Epoch(v.RecordedAt),
            ["statusChangedAt"] = Epoch(v.StatusChangedAt),
            ["executionId"] = v.ExecutionId,
        })]);
        json["executions"] = new JsonArray([.. executions.Select(e => (JsonNode)e.DeepClone())]);
        json["lock"] = await sources.Registry.GetLockAsync(name, cancel) is { } lease ? new JsonObject
        {
            ["owner"] = lease.Owner,
            ["acquiredAt"] = Epoch(lease.AcquiredAt),
            ["expiresAt"] = Epoch(lease.ExpiresAt),
        } : null;
        return json;
    }

    private async Task<Dictionary<string, List<string>>> RunningByServiceAsync(CancellationToken cancel) =>
        (await ListExecutionsAsync(cancel))
            .Where(e => e["status"]?.ToString() == "RUNNING" && e["service"] is not null)
            .GroupBy(e => e["service"]!.ToString(), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e["executionArn"]!.ToString()).ToList(), StringComparer.Ordinal);

    private static JsonObject ServiceJson(ServiceRecord s, VersionRecord? latest, Dictionary<string, List<string>> running,
        IReadOnlyList<RouteClaim> claims, JsonArray instances) => new()
    {
        ["name"] = s.Name,
        ["live"] = s.LiveLabel,
        ["latest"] = s.LatestLabel,
        ["status"] = Status(s, latest, running.GetValueOrDefault(s.Name)?.Count > 0),
        ["updatedAt"] = Epoch(s.UpdatedAt),
        ["running"] = new JsonArray([.. (running.GetValueOrDefault(s.Name) ?? []).Select(a => (JsonNode)JsonValue.Create(a))]),
        ["routes"] = new JsonArray([.. claims.Where(c => c.Service == s.Name).Select(c => (JsonNode)JsonValue.Create(c.RouteKey))]),
        ["instances"] = new JsonArray([.. instances.OfType<JsonObject>().Where(i => i["service"]?.ToString() == s.Name).Select(i => (JsonNode)new JsonObject
        {
            ["instanceId"] = i["instanceId"]?.DeepClone(),
            ["version"] = i["version"]?.DeepClone(),
            ["state"] = i["state"]?.DeepClone(),
            ["health"] = i["health"]?.DeepClone(),
            ["port"] = i["port"]?.DeepClone(),
        })]),
    };

    /// <summary>
    /// deploying while a run of it is under way; live when the latest version serves; failed when the latest
    /// failed and nothing serves; rolled back when the latest failed and an earlier version still serves.
    /// </summary>
    internal static string Status(ServiceRecord service, VersionRecord? latest, bool running) =>
        running ? "deploying"
        : service.LiveLabel is not null && service.LiveLabel == service.LatestLabel ? "live"
        : latest?.Status == VersionStatus.Failed ? service.LiveLabel is null ? "failed" : "rolled back"
        : service.LiveLabel is null ? "recorded"
        : string.Create(CultureInfo.InvariantCulture, $"live (latest {latest?.Status.ToString().ToLowerInvariant() ?? "unknown"})");
}
