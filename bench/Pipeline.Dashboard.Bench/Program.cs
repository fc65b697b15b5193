// Dashboard benchmark: seeds a running stack with 50 services (a live version each) and 200
// executions, then loads each dashboard page in Debian's chromium RUNS times and prints how long
// each took to render (navigation until the page's content is on screen). Goal: under 1 s each.
//
//   dotnet run --project bench/Pipeline.Dashboard.Bench -c Release -- --state-dir DIR [--runs 5]
//
// bench/dashboard.sh starts the stack, runs this, and stops it.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.Playwright;
using Pipeline.Aws.Registry;
using Pipeline.Core.Registry;

var state = Arg("--state-dir") ?? throw new ArgumentException("--state-dir DIR: the state directory of a running ./pipeline up");
var runs = int.Parse(Arg("--runs") ?? "5", CultureInfo.InvariantCulture);
var stack = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(state, "stack.json")))!;
string Endpoint(string name) => stack["endpoints"]![name]!.GetValue<string>();

using var dynamo = new AmazonDynamoDBClient(new BasicAWSCredentials("S3RVER", "S3RVER"),
    new AmazonDynamoDBConfig { ServiceURL = Endpoint("dynamodb"), AuthenticationRegion = "us-east-1" });
var registry = new DynamoDbRegistry(dynamo, stack["registryTable"]!.GetValue<string>());
using var http = new HttpClient();

var seed = Stopwatch.StartNew();
var now = DateTimeOffset.UtcNow;
await Parallel.ForEachAsync(Enumerable.Range(1, 50), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, c) =>
{
    var service = $"bench-{i:D2}";
    var label = $"1.0.{i}-{i:D7}";
    var identity = new VersionIdentity(service, label, i, new string('a', 40), $"artifacts/{service}/{label}/artifact.tgz",
        $"artifacts/{service}/{label}/service.yaml", new string('b', 64));
    await registry.RecordVersionAsync(VersionRecord.Recorded(identity, $"name: {service}\n", "bench", now), c);
    await registry.MarkLiveAsync(service, label, null, c);
});

// 200 executions of a small machine with a Choice, a Parallel and a Catch, each naming a seeded service.
var machine = (await StepFunctions("CreateStateMachine", new JsonObject
{
    ["name"] = $"dashboard-bench-{Guid.NewGuid().ToString("N")[..6]}",
    ["roleArn"] = "arn:aws:iam::123456789012:role/bench",
    ["definition"] = """
        {"StartAt":"Check","States":{
          "Check":{"Type":"Choice","Choices":[{"Variable":"$.fail","BooleanEquals":true,"Next":"Broke"}],"Default":"Fan"},
          "Fan":{"Type":"Parallel","Next":"Done","Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}]},
          "Done":{"Type":"Succeed"},
          "Broke":{"Type":"Fail","Error":"Bench.Failed","Cause":"seeded failure"}}}
        """,
}))["stateMachineArn"]!.GetValue<string>();
string? sample = null;
for (var i = 0; i < 200; i++)
{
    var started = await StepFunctions("StartExecution", new JsonObject
    {
        ["stateMachineArn"] = machine,
        ["input"] = new JsonObject { ["service"] = $"bench-{i % 50 + 1:D2}", ["fail"] = i % 10 == 0 }.ToJsonString(),
    });
    sample ??= started["executionArn"]!.GetValue<string>();
}

Console.WriteLine($"seeded 50 services and 200 executions in {seed.Elapsed.TotalSeconds:0.0} s");

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = "/usr/bin/chromium", Args = ["--no-sandbox"] });
var page = await browser.NewPageAsync();
var dashboard = new Uri(Endpoint("dashboard"));
(string Name, string Hash, string Ready)[] pages =
[
    ("services (50)", "#/services", "tr[data-service='bench-50']"),
    ("executions (200)", "#/executions", "table.executions tbody tr:nth-child(200)"),
    ("execution graph", "#/executions/" + Uri.EscapeDataString(sample!), ".graph .state[data-state='Done']"),
    ("service", "#/services/bench-01", "#live-version"),
    ("routes", "#/routes", "#haproxy-cfg"),
    ("tables", "#/tables", "main h1"),
];
Console.WriteLine($"{"page",-20} {"median ms",10} {"max ms",8}   (each of {runs} loads: a fresh navigation until the content is on screen)");
var worst = 0.0;
foreach (var (name, hash, ready) in pages)
{
    var times = new List<double>();
    for (var r = 0; r < runs; r++)
    {
        await page.GotoAsync("about:blank");
        var clock = Stopwatch.StartNew();
        await page.GotoAsync(new Uri(dashboard, hash).ToString());
        await page.Locator(ready).First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        times.Add(clock.Elapsed.TotalMilliseconds);
    }

    times.Sort();
    worst = Math.Max(worst, times[^1]);
    Console.WriteLine($"{name,-20} {times[times.Count / 2],10:0} {times[^1],8:0}");
}

Console.WriteLine(worst < 1000 ? "every page rendered in under 1 s" : $"SLOW: the slowest load took {worst:0} ms");
return worst < 1000 ? 0 : 1;

async Task<JsonObject> StepFunctions(string operation, JsonObject request)
{
    using var content = new StringContent(request.ToJsonString(), Encoding.UTF8);
    content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.0");
    using var message = new HttpRequestMessage(HttpMethod.Post, Endpoint("stepfunctions")) { Content = content };
    message.Headers.Add("X-Amz-Target", "AWSStepFunctions." + operation);
    using var response = await http.SendAsync(message);
    var body = await response.Content.ReadAsStringAsync();
    return response.IsSuccessStatusCode ? (JsonObject)JsonNode.Parse(body)! : throw new InvalidOperationException($"{operation}: {body}");
}

string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
