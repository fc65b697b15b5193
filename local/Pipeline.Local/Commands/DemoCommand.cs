using Amazon.DynamoDBv2.Model;
using Pipeline.Hosting;
using Pipeline.Core.Manifest;
using Pipeline.Local.Demo;
using Pipeline.Local.Stack;

namespace Pipeline.Local.Commands;

/// <summary>
/// <c>pipeline demo</c>: brings the stack up, pushes the example services, narrates each run, then
/// pushes a new commit of one service under load and reports what held. Every claim it prints is
/// checked from the outside; the exit code is 0 only if all held, 1 if one failed, 3 if one could
/// not be checked because the stack's state machine does not go that far.
/// </summary>
internal static class DemoCommand
{
    private static readonly string[] Services = ["orders", "catalog"];

    /// <summary>The composite service the demo pushes after the services it calls.</summary>
    private const string Composite = "storefront";

    private const string ComposedPath = "/storefront/customers/demo-customer";

    public static Command Create()
    {
        var port = new Option<int?>("--port") { Description = $"HAProxy's front port (default {StackHost.DefaultFrontPort}; 0 picks a free one)" };
        var once = new Option<bool>("--once") { Description = "Stop the stack at the end instead of leaving it running" };
        var template = new Option<FileInfo?>("--template") { Description = "The SAM template (default: template.yaml)" };
        var routers = UpCommand.Routers();
        return StackOptions.Command(
            "demo", "Run the whole pipeline on this machine: push the example services, deploy, switch traffic under load", [port, once, template, routers],
            (parse, state, cancel) => RunAsync(state, parse.GetValue(port), parse.GetValue(once), parse.GetValue(template), parse.GetValue(routers), cancel));
    }

    private static async Task<int> RunAsync(string stateDirectory, int? port, bool once, FileInfo? template, int routers, CancellationToken cancel)
    {
        using var stop = new StopSignals(cancel);
        var claims = new Claims();
        StackHost host;
        try
        {
            host = await StackHost.StartAsync(new UpOptions(RepositoryRoot.Path, stateDirectory, port, Console.Out)
            {
                TemplatePath = template?.FullName ?? Path.Combine(RepositoryRoot.Path, "template.yaml"),
                Routers = routers,
            }, stop.Token);
        }
        catch (StackFailureException e)
        {
            return StackOptions.Fail("demo", e.Message);
        }

        await using (host)
        {
            UpCommand.PrintEndpoints(host);
            Console.WriteLine($"watch the demo happen in the dashboard: {host.Endpoints["dashboard"]}");
            try
            {
                await RunDemoAsync(host, claims, stop.Token);
            }
            catch (Exception e) when (e is StackFailureException or TimeoutException or HttpRequestException
                                          or Pipeline.Local.Aws.Processes.CommandFailedException)
            {
                claims.Add(false, $"the demo could not go on: {e.Message}");
            }
            catch (OperationCanceledException)
            {
                claims.Add(false, "the demo was interrupted");
            }

            Console.WriteLine();
            Console.WriteLine("what the demo claims, each checked:");
            claims.Print(Console.Out);
            if (!once && !stop.IsCancellationRequested)
            {
                Console.WriteLine();
                Console.WriteLine($"the stack keeps running: try {host.Endpoints["front"]}/orders, {host.Endpoints["front"]}/items, {host.Endpoints["front"]}{ComposedPath}, `./pipeline status`, `./pipeline push orders`. Ctrl-C stops it.");
                await Task.WhenAny(Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default), host.Crashed, host.StopRequested);
            }
        }

        return claims.ExitCode;
    }

    private static async Task RunDemoAsync(StackHost host, Claims claims, CancellationToken cancel)
    {
        using var client = StackClient.Connect(host.Layout.Root);
        var machine = await ExecutionCommands.MachineArnAsync(client, ExecutionCommands.DeployMachine, cancel);
        var registry = new DynamoDbRegistry(host.Dynamo!, client.Stack["registryTable"]!.ToString());
        var prefix = host.TablePrefix;
        foreach (var service in Services.Append(Composite))
        {
            Console.WriteLine();
            Console.WriteLine($"== pushing {service}{(service == Composite ? " (a composite service: compositions only, no build, no instances)" : "")}");
            var execution = await PushAndFollowAsync(host, client, machine, service, null, cancel);
            claims.Add(execution["status"]?.ToString() == "SUCCEEDED",
                $"the pipeline run for {service} succeeded ({Outcome(execution)})");
            var record = await registry.GetServiceAsync(service, cancel);
            claims.Add(record is not null, $"{service} has a version label in the registry: {record?.LatestLabel ?? "none"}");
            var manifest = ManifestParser.Parse(await File.ReadAllTextAsync(Path.Combine(Source(service), "service.yaml"), cancel));
            foreach (var table in manifest.Tables)
            {
                var name = TableSpec.PhysicalName(prefix, service, table.Name);
                string status;
                try
                {
                    status = (await host.Dynamo!.DescribeTableAsync(name, cancel)).Table.TableStatus;
                }
                catch (ResourceNotFoundException)
                {
                    status = "missing";
                }

                claims.Add(status == "ACTIVE", $"table {name} exists in dynalite ({status})");
            }
        }

        var live = new Dictionary<string, string?>();
        foreach (var service in Services.Append(Composite))
        {
            live[service] = (await registry.GetServiceAsync(service, cancel))?.LiveLabel;
        }

        if (live.Values.Any(v => v is null))
        {
            claims.NotChecked(
                "traffic through HAProxy, zero failed requests while a new version goes live, push-to-live time: no service has a live " +
                "version after its run, so this template's state machine does not deploy");
            return;
        }

        await AuthThroughHaproxyAsync(host, claims, cancel);
        await ComposedThroughHaproxyAsync(host, claims, cancel);
        await SwitchUnderLoadAsync(host, client, machine, registry, live, claims, cancel);
    }

    /// <summary>/orders/mine needs a token: refused without one, answered with one the stack's issuer signed.</summary>
    private static async Task AuthThroughHaproxyAsync(StackHost host, Claims claims, CancellationToken cancel)
    {
        Console.WriteLine();
        Console.WriteLine("== a route that needs a token, through HAProxy");
        var mine = new Uri(new Uri(host.Endpoints["front"]!.ToString()), "/orders/mine");
        using var http = new HttpClient();
        using var refused = await http.GetAsync(mine, cancel);
        claims.Add(refused.StatusCode == System.Net.HttpStatusCode.Unauthorized && refused.Headers.WwwAuthenticate.Count > 0,
            $"GET {mine.AbsolutePath} without a token: {(int)refused.StatusCode} {refused.Headers.WwwAuthenticate}");
        var token = host.Issuer!.Sign(new Pipeline.Local.Aws.TokenIssuer.TokenRequest("demo-customer", ["orders:read"], ["orders"], TimeSpan.FromMinutes(5)), DateTimeOffset.UtcNow);
        using var request = new HttpRequestMessage(HttpMethod.Get, mine) { Headers = { Authorization = new("Bearer", token) } };
        using var answered = await http.SendAsync(request, cancel);
        var body = await answered.Content.ReadAsStringAsync(cancel);
        claims.Add(answered.StatusCode == System.Net.HttpStatusCode.OK,
            $"GET {mine.AbsolutePath} with a token from the stack's issuer {host.Issuer.Issuer} (sub demo-customer, scope orders:read): {(int)answered.StatusCode} {(body.Length > 80 ? body[..80] + "..." : body)}");
    }

    /// <summary>One request through HAProxy, answered by the composer with the bodies of orders and catalog.</summary>
    private static async Task ComposedThroughHaproxyAsync(StackHost host, Claims claims, CancellationToken cancel)
    {
        Console.WriteLine();
        Console.WriteLine("== one request, two services: a composition of storefront, through HAProxy");
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(new Uri(host.Endpoints["front"]!.ToString()), ComposedPath), cancel);
        var body = await response.Content.ReadAsStringAsync(cancel);
        var composed = response.IsSuccessStatusCode ? JsonNode.Parse(body) as JsonObject : null;
        claims.Add(composed?["orders"] is JsonObject && composed["catalog"] is JsonObject,
            $"GET {ComposedPath}: {(int)response.StatusCode} with the bodies of orders and catalog in one answer: {(body.Length > 100 ? body[..100] + "..." : body)}");
    }

    private static async Task SwitchUnderLoadAsync(
        StackHost host, StackClient client, string machine, DynamoDbRegistry registry, Dictionary<string, string?> live, Claims claims, CancellationToken cancel)
    {
        var front = new Uri(host.Endpoints["front"]!.ToString());
        var generator = new LoadGenerator([new Uri(front, "/orders"), new Uri(front, "/items"), new Uri(front, ComposedPath)]);
        using var loadStop = new CancellationTokenSource();
        var load = generator.RunAsync(loadStop.Token);
        Console.WriteLine();
        Console.WriteLine("== pushing a new commit of orders while the load generator runs through HAProxy");
        var pushed = DateTimeOffset.UtcNow;
        var execution = await PushAndFollowAsync(host, client, machine, "orders",
            work => File.WriteAllText(Path.Combine(work, "server.js"),
                File.ReadAllText(Path.Combine(work, "server.js")).Replace("orders at your service", "orders at your service, second edition", StringComparison.Ordinal)),
            cancel);
        var liveAfter = (await registry.GetServiceAsync("orders", cancel))?.LiveLabel;
        var pushToDone = DateTimeOffset.UtcNow - pushed;
        var pushToLive = await RoutersConvergedAtAsync(client, execution["executionArn"]!.ToString(), cancel) - pushed;
        await Task.Delay(TimeSpan.FromSeconds(2), cancel);
        await loadStop.CancelAsync();
        var result = await load;
        claims.Add(execution["status"]?.ToString() == "SUCCEEDED", $"the run for the new orders commit succeeded ({Outcome(execution)})");
        claims.Add(liveAfter is not null && liveAfter != live["orders"], $"orders went live as a new version: {live["orders"]} -> {liveAfter}");
        using var http = new HttpClient();
        var answered = JsonNode.Parse(await http.GetStringAsync(new Uri(front, "/orders/version"), cancel))?["version"]?.ToString();
        claims.Add(answered is not null && answered == liveAfter, $"HAProxy routes /orders/version to the new version: it answers {answered}");
        claims.Add(pushToLive is not null,
            $"push-to-live time {pushToLive?.TotalSeconds:0.0} s (every router applied the new routes), push to the end of the run {pushToDone.TotalSeconds:0.0} s (old targets drained, old version retired)");
        claims.Add(result.Failed == 0,
            $"{result.Sent} requests sent through HAProxy, {result.Failed} failed" +
            (result.Failed == 0 ? "" : ": " + string.Join(", ", result.FailureKinds.Select(k => $"{k.Value}x {k.Key}"))));
    }

    private static string Source(string service) =>
        Path.Combine(RepositoryRoot.Path, "examples", service == Composite ? "compositions" : "services", service);

    /// <summary>The execution's status, with its error and cause when it failed.</summary>
    private static string Outcome(JsonObject execution) =>
        $"{execution["status"]}{(execution["error"] is { } error ? $": {error}: {execution["cause"]}" : "")}";

    /// <summary>When the run saw every router apply the new routes: the new version serves from then on.</summary>
    private static async Task<DateTimeOffset?> RoutersConvergedAtAsync(StackClient client, string executionArn, CancellationToken cancel)
    {
        var events = (await client.CallAsync("GetExecutionHistory", new JsonObject { ["executionArn"] = executionArn }, cancel))["events"] as JsonArray ?? [];
        var converged = events.OfType<JsonObject>().FirstOrDefault(e =>
            e["type"]?.GetValue<string>() == "ChoiceStateEntered" && e["stateEnteredEventDetails"]?["name"]?.GetValue<string>() == "HadPreviousVersion");
        return converged is null ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)(converged["timestamp"]!.GetValue<double>() * 1000));
    }

    private static async Task<JsonObject> PushAndFollowAsync(
        StackHost host, StackClient client, string machine, string service, Action<string>? edit, CancellationToken cancel)
    {
        var before = await ExecutionArnsAsync(client, machine, cancel);
        var commit = await ServicePusher.PushAsync(
            host.Layout.Root, Source(service), service,
            edit is null ? $"{service}: first version" : $"{service}: second edition", cancel, edit);
        Console.WriteLine($"pushed {service} {commit[..7]}; waiting for the push event to start an execution");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string? started = null;
        while (started is null)
        {
            started = (await ExecutionArnsAsync(client, machine, cancel)).Except(before).FirstOrDefault();
            if (started is null)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"no execution started within 30 s of pushing {service} (see {host.Layout.Log("router-agent")} and the stack's output)");
                }

                await Task.Delay(200, cancel);
            }
        }

        Console.WriteLine($"execution {started.Split(':').Last()}:");
        return await ExecutionNarrator.FollowAsync(client, started, Console.Out, TimeSpan.FromMinutes(20), cancel);
    }

    private static async Task<HashSet<string>> ExecutionArnsAsync(StackClient client, string machine, CancellationToken cancel) =>
        [.. ((await client.CallAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = machine }, cancel))["executions"] as JsonArray ?? [])
            .Select(e => e!["executionArn"]!.ToString())];

    private sealed class Claims
    {
        private readonly List<(bool? Held, string Text)> _claims = [];

        public int ExitCode => _claims.Any(c => c.Held == false) ? 1 : _claims.Any(c => c.Held is null) ? 3 : 0;

        public void Add(bool held, string text) => _claims.Add((held, text));

        public void NotChecked(string text) => _claims.Add((null, text));

        public void Print(TextWriter output)
        {
            foreach (var (held, text) in _claims)
            {
                output.WriteLine($"  [{(held switch { true => " ok ", false => "FAIL", null => "n/a " })}] {text}");
            }
        }
    }
}
