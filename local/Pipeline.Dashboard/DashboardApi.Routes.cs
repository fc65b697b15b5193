using System.Text;

namespace Pipeline.Dashboard;

/// <summary>Routes: the published version, each router's applied version and when, the config and its diff from the previous one.</summary>
internal sealed partial class DashboardApi
{
    private async Task<JsonNode> RoutesAsync(CancellationToken cancel)
    {
        var pointer = await sources.Routes.GetPointerAsync(cancel);
        var routers = await sources.Routers.ListAsync(cancel);
        var current = pointer is null ? "" : Encoding.UTF8.GetString(await sources.Routes.GetConfigAsync(pointer.Key, cancel));
        var previous = pointer?.Previous is { } p ? Encoding.UTF8.GetString(await sources.Routes.GetConfigAsync(p.Key, cancel)) : null;
        var now = sources.Clock.GetUtcNow();
        return new JsonObject
        {
            ["published"] = pointer is null ? null : new JsonObject
            {
                ["version"] = pointer.Version,
                ["key"] = pointer.Key,
                ["sha256"] = pointer.Sha256,
                ["previousVersion"] = pointer.Previous?.Version,
            },
            ["routers"] = new JsonArray([.. routers.OrderBy(r => r.Node, StringComparer.Ordinal).Select(r => (JsonNode)new JsonObject
            {
                ["node"] = r.Node,
                ["appliedVersion"] = r.AppliedVersion,
                ["rejectedVersion"] = r.RejectedVersion,
                ["at"] = (r.Stored ?? r.Time) is { } at ? Epoch(at) : null,
                ["secondsAgo"] = (r.Stored ?? r.Time) is { } seen ? Math.Round((now - seen).TotalSeconds, 1) : null,
                ["problem"] = r.Problem ?? r.LastError,
                ["current"] = pointer is not null && r.AppliedVersion == pointer.Version,
            })]),
            ["config"] = current,
            ["diff"] = previous is null ? null : new JsonArray([.. LineDiff.Compute(previous, current)
                .Select(d => (JsonNode)new JsonObject { ["op"] = d.Op.ToString(), ["text"] = d.Text })]),
        };
    }
}
