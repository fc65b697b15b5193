using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Pipeline.States.Definition;
using Pipeline.States.History;
using Pipeline.States.Runtime;

// The Pipeline.States side of bench/states-vs-aws-local-stepfunctions.sh: runs each case in-process for a fixed
// time and prints one JSON line per case, once without history and once recording the full execution history.
// Usage: Pipeline.States.Bench CASES_DIR SECONDS_PER_CASE
var dir = args.Length > 0 ? args[0] : Path.Combine("bench", "states");
var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5;
var engine = new StatesEngine(new EngineOptions { WaitTimeScale = 0 });

foreach (var c in JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "cases.json")))!.AsArray())
{
    var definition = DefinitionParser.Parse(File.ReadAllText(Path.Combine(dir, c!["definition"]!.GetValue<string>())));
    var input = c["inputItems"] is { } n
        ? new JsonObject { ["items"] = new JsonArray(Enumerable.Range(0, n.GetValue<int>()).Select(i => (JsonNode?)new JsonObject { ["id"] = i }).ToArray()) }
        : c["input"]!.DeepClone();
    var states = c["statesPerExecution"]!.GetValue<int>();
    foreach (var withHistory in new[] { false, true })
    {
        async Task Once()
        {
            var identity = ExecutionIdentity.Local("Bench", "run", DateTimeOffset.UtcNow);
            var result = await engine.RunAsync(definition, input, identity, withHistory ? new InMemoryHistory() : null);
            if (result.Status != ExecutionStatus.Succeeded)
            {
                throw new InvalidOperationException($"{c["name"]}: {result.Error} {result.Cause}");
            }
        }
        for (var i = 0; i < 20; i++)
        {
            await Once();
        }
        var executions = 0;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            await Once();
            executions++;
        }
        var elapsed = clock.Elapsed;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var line = new JsonObject
        {
            ["engine"] = withHistory ? "Pipeline.States (history recorded)" : "Pipeline.States",
            ["case"] = c["name"]!.GetValue<string>(),
            ["executions"] = executions,
            ["executionsPerSecond"] = executions / elapsed.TotalSeconds,
            ["microsecondsPerState"] = elapsed.TotalMicroseconds / ((double)executions * states),
            ["cpuMicrosecondsPerState"] = cpu.TotalMicroseconds / ((double)executions * states),
        };
        Console.WriteLine(line.ToJsonString());
    }
}
