using Pipeline.Local.Stack;

namespace Pipeline.Local.Commands;

/// <summary>
/// Manual use of the running stack's state machines: <c>start-execution</c>, <c>rollback</c>
/// (a manual execution with a version), <c>executions</c> and <c>history</c>.
/// </summary>
internal static class ExecutionCommands
{
    public const string DeployMachine = "DeployServiceStateMachine";

    public static Command StartExecution()
    {
        var machine = new Argument<string>("state-machine") { Description = "The state machine's name or ARN (see `pipeline status`)" };
        var input = new Option<string>("--input") { Description = "The execution input, JSON", DefaultValueFactory = _ => "{}" };
        var name = new Option<string?>("--name") { Description = "The execution name (default: a new GUID)" };
        var follow = new Option<bool>("--follow") { Description = "Print each state as it runs and wait for the end (exit 2 if it does not succeed)" };
        return StackOptions.Command("start-execution", "Start an execution of a state machine of the running stack", [machine, input, name, follow],
            (parse, state, cancel) => StartAsync(state, parse.GetValue(machine)!, parse.GetValue(input)!, parse.GetValue(name), parse.GetValue(follow), cancel));
    }

    public static Command Rollback()
    {
        var service = new Argument<string>("service");
        var version = new Argument<string>("version") { Description = "A recorded version label, e.g. 1.4.3-0d1a26e" };
        return StackOptions.Command("rollback", "Redeploy a recorded version of a service (a manual execution with a version)", [service, version],
            (parse, state, cancel) => StartAsync(
                state, DeployMachine, new JsonObject { ["service"] = parse.GetValue(service), ["version"] = parse.GetValue(version) }.ToJsonString(),
                null, follow: true, cancel));
    }

    public static Command Executions()
    {
        return StackOptions.Command("executions", "List the executions of every state machine, newest first", [], async (_, state, cancel) =>
        {
            try
            {
                using var client = StackClient.Connect(state);
                var rows = new List<JsonObject>();
                foreach (var m in ((await client.CallAsync("ListStateMachines", [], cancel))["stateMachines"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    var list = await client.CallAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = m["stateMachineArn"]!.ToString() }, cancel);
                    rows.AddRange((list["executions"] as JsonArray ?? []).OfType<JsonObject>());
                }

                foreach (var e in rows.OrderByDescending(e => e["startDate"]!.GetValue<double>()))
                {
                    var took = e["stopDate"] is { } stop ? $"{stop.GetValue<double>() - e["startDate"]!.GetValue<double>(),7:0.0} s" : "running";
                    Console.WriteLine($"{StatusCommand.Time(e["startDate"]),-20} {e["status"],-10} {took,9}  {e["executionArn"]}");
                }

                return 0;
            }
            catch (Exception e) when (e is StackFailureException or HttpRequestException)
            {
                return StackOptions.Fail("executions", e.Message);
            }
        });
    }

    public static Command History()
    {
        var execution = new Argument<string>("execution") { Description = "The execution ARN (see `pipeline executions`)" };
        var json = new Option<bool>("--json") { Description = "Print the raw events as GetExecutionHistory returns them" };
        return StackOptions.Command("history", "Show an execution state by state, with timings, error and cause", [execution, json], async (parse, state, cancel) =>
        {
            try
            {
                using var client = StackClient.Connect(state);
                var arn = parse.GetValue(execution)!;
                if (parse.GetValue(json))
                {
                    var history = await client.CallAsync("GetExecutionHistory", new JsonObject { ["executionArn"] = arn }, cancel);
                    Console.WriteLine(history.ToJsonString(new() { WriteIndented = true }));
                    return 0;
                }

                var result = await ExecutionNarrator.FollowAsync(client, arn, Console.Out, TimeSpan.FromHours(2), cancel);
                Console.WriteLine($"status {result["status"]}" + (result["error"] is { } error ? $": {error}" : ""));
                return 0;
            }
            catch (Exception e) when (e is StackFailureException or HttpRequestException)
            {
                return StackOptions.Fail("history", e.Message);
            }
        });
    }

    private static async Task<int> StartAsync(string stateDirectory, string machine, string input, string? name, bool follow, CancellationToken cancel)
    {
        try
        {
            using var client = StackClient.Connect(stateDirectory);
            var arn = await MachineArnAsync(client, machine, cancel);
            var request = new JsonObject { ["stateMachineArn"] = arn, ["input"] = input };
            if (name is not null)
            {
                request["name"] = name;
            }

            var started = await client.CallAsync("StartExecution", request, cancel);
            var executionArn = started["executionArn"]!.ToString();
            Console.WriteLine(executionArn);
            if (!follow)
            {
                return 0;
            }

            var result = await ExecutionNarrator.FollowAsync(client, executionArn, Console.Out, TimeSpan.FromHours(2), cancel);
            Console.WriteLine($"status {result["status"]}" + (result["error"] is { } error ? $": {error}" : ""));
            return result["status"]?.ToString() == "SUCCEEDED" ? 0 : 2;
        }
        catch (Exception e) when (e is StackFailureException or HttpRequestException)
        {
            return StackOptions.Fail("start-execution", e.Message);
        }
    }

    internal static async Task<string> MachineArnAsync(StackClient client, string machine, CancellationToken cancel)
    {
        var machines = ((await client.CallAsync("ListStateMachines", [], cancel))["stateMachines"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        return machines.FirstOrDefault(m => m["name"]?.ToString() == machine || m["stateMachineArn"]?.ToString() == machine)?["stateMachineArn"]?.ToString()
            ?? throw new StackFailureException($"no state machine '{machine}'; the stack runs: {string.Join(", ", machines.Select(m => m["name"]))}");
    }
}
