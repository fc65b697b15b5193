using Pipeline.Local.Stack;

namespace Pipeline.Local.Commands;

/// <summary><c>pipeline status</c>: endpoints, processes, services with their live versions, last executions.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the status document as JSON" };
        return StackOptions.Command("status", "Show what the local stack runs and where", [json], (parse, state, cancel) => RunAsync(state, parse.GetValue(json), cancel));
    }

    private static async Task<int> RunAsync(string stateDirectory, bool json, CancellationToken cancel)
    {
        try
        {
            using var client = StackClient.Connect(stateDirectory);
            var status = await client.StatusAsync(cancel);
            var executions = new JsonArray();
            foreach (var m in ((await client.CallAsync("ListStateMachines", [], cancel))["stateMachines"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var list = await client.CallAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = m["stateMachineArn"]!.ToString() }, cancel);
                foreach (var e in (list["executions"] as JsonArray ?? []).OfType<JsonObject>().OrderByDescending(e => e["startDate"]!.GetValue<double>()))
                {
                    executions.Add(e.DeepClone());
                }
            }

            if (json)
            {
                status["executions"] = executions.DeepClone();
                Console.WriteLine(status.ToJsonString(new() { WriteIndented = true }));
                return 0;
            }

            Console.WriteLine($"stack pid {status["pid"]}, state {status["stateDirectory"]}");
            Console.WriteLine("endpoints:");
            foreach (var (name, value) in status["endpoints"] as JsonObject ?? [])
            {
                Console.WriteLine($"  {name,-14} {value}");
            }

            Console.WriteLine("processes:");
            foreach (var p in (status["processes"] as JsonArray ?? []).OfType<JsonObject>())
            {
                Console.WriteLine($"  {p["name"],-14} pid {p["pid"],-8} {(p["running"]!.GetValue<bool>() ? "running" : "EXITED")}");
            }

            Console.WriteLine("routers:");
            foreach (var r in (status["routers"] as JsonArray ?? []).OfType<JsonObject>())
            {
                Console.WriteLine($"  {r["node"],-14} {(r["running"]?.GetValue<bool>() == true ? "running" : "stopped"),-8} front {r["front"],-14} " +
                                  $"applied {r["appliedVersion"]?.ToString() ?? "(none)",-6} last heard {Heard(r["lastHeard"])}" +
                                  $"{(r["live"]?.GetValue<bool>() == true ? "" : " (not live: RoutesConverged does not count it)")}" +
                                  $"{(r["problem"] is { } problem ? $"; {problem}" : "")}");
            }

            Console.WriteLine($"functions:      {string.Join(", ", status["functions"] as JsonArray ?? [])}");
            Console.WriteLine($"state machines: {string.Join(", ", status["stateMachines"] as JsonArray ?? [])}");
            Console.WriteLine($"repositories:   {string.Join(", ", status["repositories"] as JsonArray ?? [])}");
            Console.WriteLine("services:");
            foreach (var s in (status["services"] as JsonArray ?? []).OfType<JsonObject>())
            {
                Console.WriteLine(s["error"] is { } error ? $"  registry unreadable: {error}"
                    : $"  {s["name"],-14} live {s["live"]?.ToString() ?? "(none)",-24} latest {s["latest"]}");
            }

            if (status["commitStatuses"] is JsonArray { Count: > 0 } commitStatuses)
            {
                // What the GitHub stand-in was told, as the person who pushed would see it on the commit.
                Console.WriteLine("commit statuses (GitHub stand-in):");
                foreach (var c in commitStatuses.OfType<JsonObject>())
                {
                    Console.WriteLine($"  {c["created_at"],-20} {c["state"],-8} {c["repository"]}@{c["sha"]?.ToString()[..7]} {c["context"]}: {c["description"]}");
                }
            }

            Console.WriteLine("last executions:");
            foreach (var e in executions.OfType<JsonObject>().Take(10))
            {
                Console.WriteLine($"  {Time(e["startDate"]),-20} {e["status"],-10} {e["stateMachineArn"]!.ToString().Split(':').Last()}:{e["name"]}");
            }

            return 0;
        }
        catch (Exception e) when (e is StackFailureException or HttpRequestException)
        {
            return StackOptions.Fail("status", e.Message);
        }
    }

    private static string Heard(JsonNode? at) =>
        at is null || !DateTimeOffset.TryParse(at.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? "never"
            : $"{time.ToLocalTime():HH:mm:ss} ({(DateTimeOffset.UtcNow - time).TotalSeconds:0.0} s ago)";

    internal static string Time(JsonNode? epochSeconds) => epochSeconds is null ? ""
        : DateTimeOffset.FromUnixTimeMilliseconds((long)(epochSeconds.GetValue<double>() * 1000)).ToLocalTime()
            .ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
