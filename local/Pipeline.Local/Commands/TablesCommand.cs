using Pipeline.Core.Scaling;
using Pipeline.Core.Scaling.Simulation;

namespace Pipeline.Local.Commands;

/// <summary><c>pipeline tables ...</c>: tools for the tables the pipeline provisions.</summary>
internal static class TablesCommand
{
    public static Command Create() => new("tables", "Tools for the DynamoDB tables the pipeline provisions") { Simulate() };

    private static Command Simulate()
    {
        var trace = new Option<FileInfo>("--trace") { Description = "CSV 'minute,read,write' of demand in units per second", Required = true };
        var policy = new Option<string>("--policy") { Description = "pipeline or target-tracking", Required = true };
        policy.AcceptOnlyFromAmong("pipeline", "target-tracking");
        var min = new Option<string>("--min") { Description = "minimum capacity R,W", DefaultValueFactory = _ => "1,1" };
        var max = new Option<string>("--max") { Description = "maximum capacity R,W", DefaultValueFactory = _ => "40000,40000" };
        var target = new Option<double>("--target") { Description = "target utilisation percent (20-90)", DefaultValueFactory = _ => ScalingSettings.DefaultTarget };
        var decisions = new Option<FileInfo?>("--decisions") { Description = "write 'minute,read_capacity,write_capacity' here" };
        var command = new Command("simulate", "Replay a demand trace against a scaling policy and print a JSON summary")
        {
            trace, policy, min, max, target, decisions,
        };
        command.SetAction(async (parse, cancel) =>
        {
            try
            {
                var settings = new ScalingSettings(
                    Pair(parse.GetValue(min)!, "--min"), Pair(parse.GetValue(max)!, "--max"), parse.GetValue(target));
                settings.Validate();
                var file = parse.GetValue(trace)!;
                var minutes = TraceCsv.Parse(await File.ReadAllTextAsync(file.FullName, cancel));
                var name = parse.GetValue(policy)!;
                var result = ThroughputSimulator.Run(name, minutes, settings, quota => name == "pipeline"
                    ? new PipelineScalingPolicy()
                    : new TargetTrackingPolicy(quota.Available));
                if (parse.GetValue(decisions) is { } output)
                {
                    await File.WriteAllTextAsync(output.FullName, DecisionsCsv(result.Capacity), cancel);
                }

                Console.WriteLine(Json(result.Summary));
                return 0;
            }
            catch (Exception e) when (e is FormatException or ArgumentException or IOException)
            {
                await Console.Error.WriteLineAsync($"pipeline tables simulate: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    private static Throughput Pair(string text, string option)
    {
        var parts = text.Split(',');
        if (parts.Length != 2
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var read)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var write))
        {
            throw new ArgumentException($"{option} must be two whole numbers R,W, got '{text}'");
        }

        return new Throughput(read, write);
    }

    private static string DecisionsCsv(IReadOnlyList<Throughput> capacity)
    {
        var csv = new StringBuilder("minute,read_capacity,write_capacity\n");
        for (var minute = 0; minute < capacity.Count; minute++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{minute},{capacity[minute].Read},{capacity[minute].Write}\n");
        }

        return csv.ToString();
    }

    private static string Json(SimulationSummary s)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("policy", s.Policy);
            json.WriteNumber("minutes", s.Minutes);
            json.WriteNumber("throttled_read_units", Math.Round(s.ThrottledReadUnits, 1));
            json.WriteNumber("throttled_write_units", Math.Round(s.ThrottledWriteUnits, 1));
            json.WriteNumber("read_capacity_unit_hours", Math.Round(s.ReadCapacityUnitHours, 2));
            json.WriteNumber("write_capacity_unit_hours", Math.Round(s.WriteCapacityUnitHours, 2));
            json.WriteNumber("cost_dollars", Math.Round(s.CostDollars, 4));
            json.WriteNumber("updates", s.Updates);
            json.WriteNumber("max_decreases_per_utc_day", s.MaxDecreasesPerUtcDay);
            json.WriteNumber("quota_violations", s.QuotaViolations);
            json.WriteNumber("bound_violations", s.BoundViolations);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
