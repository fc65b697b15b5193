namespace Pipeline.Local.Stack;

/// <summary>
/// Follows one execution through the Step Functions API and prints it state by state as it runs:
/// each state when it exits, with how long it took, and a Task also when it is entered, since
/// that is where the waiting happens.
/// </summary>
internal static class ExecutionNarrator
{
    public static async Task<JsonObject> FollowAsync(
        StackClient client, string executionArn, TextWriter output, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var printed = 0;
        var entered = new Dictionary<string, double>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var events = (await client.CallAsync("GetExecutionHistory", new JsonObject { ["executionArn"] = executionArn }, cancellationToken))["events"] as JsonArray ?? [];
            foreach (var e in events.Skip(printed).OfType<JsonObject>())
            {
                Print(e, entered, output);
            }

            printed = events.Count;
            var execution = await client.CallAsync("DescribeExecution", new JsonObject { ["executionArn"] = executionArn }, cancellationToken);
            if (execution["status"]?.GetValue<string>() != "RUNNING")
            {
                // Events recorded between the two calls.
                events = (await client.CallAsync("GetExecutionHistory", new JsonObject { ["executionArn"] = executionArn }, cancellationToken))["events"] as JsonArray ?? [];
                foreach (var e in events.Skip(printed).OfType<JsonObject>())
                {
                    Print(e, entered, output);
                }

                return execution;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{executionArn} still runs after {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    private static void Print(JsonObject e, Dictionary<string, double> entered, TextWriter output)
    {
        var type = e["type"]!.GetValue<string>();
        var time = e["timestamp"]!.GetValue<double>();
        var clock = DateTimeOffset.FromUnixTimeMilliseconds((long)(time * 1000)).ToLocalTime().ToString("HH:mm:ss.f", CultureInfo.InvariantCulture);
        if (type.EndsWith("StateEntered", StringComparison.Ordinal))
        {
            var name = e["stateEnteredEventDetails"]?["name"]?.GetValue<string>() ?? "?";
            entered[name] = time;
            if (type == "TaskStateEntered")
            {
                output.WriteLine($"  {clock}  -> {name}");
            }
        }
        else if (type.EndsWith("StateExited", StringComparison.Ordinal))
        {
            var name = e["stateExitedEventDetails"]?["name"]?.GetValue<string>() ?? "?";
            var took = entered.TryGetValue(name, out var start) ? $"{time - start,6:0.0} s" : "";
            output.WriteLine($"  {clock}  <- {name,-28} {took}");
        }
        else if (type is "TaskFailed" or "LambdaFunctionFailed" or "ExecutionFailed")
        {
            var details = e.FirstOrDefault(p => p.Key.EndsWith("EventDetails", StringComparison.Ordinal)).Value;
            var cause = details?["cause"]?.ToString() ?? "";
            output.WriteLine($"  {clock}  !! {type}: {details?["error"]} {(cause.Length > 600 ? cause[..600] + "..." : cause)}");
        }
        else if (type is "ExecutionSucceeded")
        {
            output.WriteLine($"  {clock}  == succeeded");
        }
    }
}
