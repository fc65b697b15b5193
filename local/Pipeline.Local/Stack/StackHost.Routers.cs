using Microsoft.AspNetCore.Http;
using Pipeline.Aws.Deploy;
using Pipeline.Core.Routing;
using Pipeline.Local.Aws.ELBv2;

namespace Pipeline.Local.Stack;

/// <summary>
/// The routers of the local stack (<see cref="LocalRouters"/>): started after everything they read,
/// replaced through the control endpoint (<c>POST /stack/routers/replace</c>, what
/// <c>pipeline router replace</c> calls) and listed with their last reports in the status document.
/// </summary>
internal sealed partial class StackHost
{
    public const string ReplaceRouterPath = "/stack/routers/replace";

    private LocalRouters? _routers;
    private LocalComposer? _composer;
    private string? _routesBucket;

    private async Task StartRouterAsync(string agentDll, StackNames names, CancellationToken cancellationToken)
    {
        Step(_options.Routers == 1 ? "starting haproxy under the router agent"
            : $"starting {_options.Routers} routers (haproxy under the router agent) behind the front balancer");
        _routesBucket = names.RoutesBucket;
        _routers = new LocalRouters(
            _layout, _options.Routers, names.Router.Port,
            (router, arguments) => ChildProcess.Start(LocalRouters.LogName(router), "dotnet",
                [agentDll, "--supervise", "--bucket", names.RoutesBucket, "--s3-endpoint", Endpoints["s3"]!.ToString(),
                 "--region", Context.Region, "--haproxy", Prerequisites.Haproxy, "--poll-interval", "500ms", .. arguments],
                _layout.Log(LocalRouters.LogName(router)),
                new Dictionary<string, string>
                {
                    ["AWS_ACCESS_KEY_ID"] = LocalCredentials.AccessKey,
                    ["AWS_SECRET_ACCESS_KEY"] = LocalCredentials.SecretKey,
                }),
            Step,
            message => _crashed.TrySetResult(message));
        await _routers.StartAsync(cancellationToken);
        StartComposer(names.Router);
        Endpoints["front"] = $"http://127.0.0.1:{names.Router.Port}";
        Endpoints["git"] = Git!.Root;
    }

    /// <summary>
    /// The composer beside haproxy, restarted when it exits: it reads the compositions from the config
    /// a router agent applies (the first running router's: every router applies the same published config).
    /// </summary>
    private void StartComposer(RouterSettings router)
    {
        Step("starting the composer");
        _composer = new LocalComposer(
            _composerDll!, router, () => Path.Combine(_routers!.Running[0].Directory, "haproxy.cfg"), _layout.Log(LocalComposer.LogName), Step);
        _composer.Start();
        Endpoints["composer"] = _composer.Endpoint.ToString().TrimEnd('/');
    }

    private void MapRouterApi(WebApplication control)
    {
        control.MapPost(ReplaceRouterPath, async (HttpContext http) =>
        {
            var node = http.Request.Query["node"].FirstOrDefault();
            try
            {
                var (replaced, by) = await _routers!.ReplaceAsync(string.IsNullOrEmpty(node) ? null : node, http.RequestAborted);
                return Json(new JsonObject { ["replaced"] = replaced, ["by"] = by }, 200);
            }
            catch (RouterReplacementException e)
            {
                return Json(new JsonObject { ["message"] = e.Message }, e.Status);
            }
            catch (StackFailureException e)
            {
                return Json(new JsonObject { ["message"] = e.Message }, 500);
            }
        });
    }

    private static IResult Json(JsonObject body, int status) =>
        Results.Content(body.ToJsonString(), "application/json", System.Text.Encoding.UTF8, status);

    /// <summary>
    /// Every router the stack runs, with the front's view of it and its last report, then the reports
    /// of routers it no longer runs (a replaced router's stays in the bucket; RoutesConverged ignores
    /// it once it is older than the liveness window, which <c>live</c> shows).
    /// </summary>
    private async Task<JsonArray> RoutersStatusAsync(CancellationToken cancellationToken)
    {
        var reports = new Dictionary<string, RouterReport>(StringComparer.Ordinal);
        try
        {
            foreach (var report in await new S3RouterStatusSource(S3!, _routesBucket!).ListAsync(cancellationToken))
            {
                reports[report.Node] = report;
            }
        }
        catch (Amazon.S3.AmazonS3Exception)
        {
            // The reports are a detail of the status; the routers are listed without them.
        }

        var front = _routers!.Front?.Targets.Describe().ToDictionary(t => t.Id, StringComparer.Ordinal);
        var now = DateTimeOffset.UtcNow;
        var liveness = new RouterLiveness();
        var routers = new JsonArray();
        foreach (var router in _routers.Running)
        {
            var entry = RouterJson(router.Node, reports.GetValueOrDefault(router.Node), liveness, now);
            entry["pid"] = router.Agent?.Id;
            entry["port"] = router.Port;
            entry["running"] = router.Agent is { Exited.IsCompleted: false };
            entry["front"] = front is null ? "is the front" : front.TryGetValue(router.Node, out var target) ? Name(target.State) : "not registered";
            routers.Add(entry);
            reports.Remove(router.Node);
        }

        foreach (var report in reports.Values.OrderBy(r => r.Node, StringComparer.Ordinal))
        {
            var entry = RouterJson(report.Node, report, liveness, now);
            entry["running"] = false;
            entry["front"] = "gone";
            routers.Add(entry);
        }

        return routers;
    }

    private static JsonObject RouterJson(string node, RouterReport? report, RouterLiveness liveness, DateTimeOffset now) => new()
    {
        ["node"] = node,
        ["appliedVersion"] = report?.AppliedVersion,
        ["lastHeard"] = (report?.Stored ?? report?.Time)?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["live"] = report is not null && liveness.IsAlive(report, now),
        ["problem"] = report?.Problem ?? report?.LastError,
    };

    private static string Name(NetworkTargetState state) => state.ToString().ToLowerInvariant();
}
