using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Pipeline.Aws.CloudWatch;
using Pipeline.Aws.Registry;
using static Pipeline.EndToEnd.Tests.WriteLoad;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// The table scaler end to end on the local stack: <c>./pipeline up</c> with template.yaml's
/// ScaleTablesFunction and its <c>rate(1 minute)</c> schedule, the published ScaleTables binary run
/// by the local Lambda service on the scheduler's ticks, dynalite behind the metering proxy. The
/// stack runs its clock <see cref="TimeScale"/> times faster than real time (schedules, metered
/// minutes, burst, decrease quota and the function's own clock), so a scaled minute lasts 6 seconds.
/// </summary>
public sealed class ScalerTests(ITestOutputHelper output)
{
    private const double TimeScale = 10;
    private const long MaxWrite = 40;

    /// <summary>Write units per scaled second the load asks for: 8 times the table's starting capacity.</summary>
    private const double Demand = 8;

    private static readonly TimeSpan ScaledMinute = TimeSpan.FromMinutes(1) / TimeScale;

    [Fact]
    public async Task ScaleTables_OnTheStacksSchedule_ShouldStopTheThrottlesAndThenGiveCapacityBackWithinTheQuota()
    {
        var fixture = RepositoryRoot.Combine("tests/Pipeline.EndToEnd.Tests/Fixtures/template.scaler.yaml");
        Assert.Equal(ScaleTablesResource(RepositoryRoot.Combine("template.yaml")), ScaleTablesResource(fixture));

        var total = System.Diagnostics.Stopwatch.StartNew();
        await using var stack = await RunningStack.StartAsync(Limits.StackStart,
            "--template", fixture, "--time-scale", TimeScale.ToString(CultureInfo.InvariantCulture));
        var stackUp = total.Elapsed;
        using var dynamo = new AmazonDynamoDBClient(new BasicAWSCredentials("S3RVER", "S3RVER"), new AmazonDynamoDBConfig
        {
            ServiceURL = stack.Endpoint("dynamodb").ToString(),
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });

        // A provisioned table at 1 RCU/1 WCU, recorded in the registry as ProvisionTables records one.
        var table = $"pipeline-loadtest-items-{Guid.NewGuid().ToString("N")[..6]}";
        await dynamo.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            AttributeDefinitions = [new("pk", ScalarAttributeType.S)],
            KeySchema = [new("pk", KeyType.HASH)],
            ProvisionedThroughput = new ProvisionedThroughput(1, 1),
        });
        await WaitAsync("the table to be ACTIVE", TimeSpan.FromSeconds(30), async () => (await DescribeAsync(dynamo, table)).TableStatus == TableStatus.ACTIVE);
        await new DynamoDbRegistry(dynamo, stack.Stack["registryTable"]!.GetValue<string>())
            .PutOwnedTableAsync(new OwnedTable(table, "loadtest", "items", [], OnDemand: false, 1, 10, 1, MaxWrite, 70));
        var started = DateTimeOffset.UtcNow;

        // A batch import spends the 300 s of burst capacity a new table banks, so that the steady load
        // is throttled at once rather than minutes later.
        await SpendBurstAsync(dynamo, table);
        await using var load = new WriteLoad(dynamo, table) { PerSecond = Demand * TimeScale };
        var loadStart = load.Now;

        // Throttled at 1 WCU.
        await WaitAsync("throttled writes", TimeSpan.FromSeconds(60), () => Task.FromResult(load.Count(Outcome.Throttled, loadStart) >= 50));

        // ScaleTables raises the capacity on a tick, and the same load stops being throttled.
        await WaitAsync("a capacity increase", TimeSpan.FromSeconds(90), async () => await WriteCapacityAsync(dynamo, table) > 1);
        var raisedAt = load.Now;
        var before = (Served: load.Count(Outcome.Served, loadStart, raisedAt), Throttled: load.Count(Outcome.Throttled, loadStart, raisedAt));
        var window = 2 * ScaledMinute;
        var quietFrom = TimeSpan.Zero;
        await WaitAsync("two scaled minutes without a throttle", TimeSpan.FromSeconds(120), () =>
        {
            quietFrom = load.Now - window;
            return Task.FromResult(quietFrom >= raisedAt && load.Count(Outcome.Throttled, quietFrom) == 0);
        });
        var quietTo = load.Now;
        var after = (Served: load.Count(Outcome.Served, quietFrom, quietTo), Throttled: load.Count(Outcome.Throttled, quietFrom, quietTo));
        var peak = await WriteCapacityAsync(dynamo, table);
        var servedPerScaledSecond = after.Served / (quietTo - quietFrom).TotalSeconds / TimeScale;

        // The load stops; ScaleTables gives the capacity back, spending decreases the quota allows.
        load.PerSecond = 0;
        var droppedAt = load.Now;
        await WaitAsync("the capacity to come back to the minimum", TimeSpan.FromSeconds(180), async () => await WriteCapacityAsync(dynamo, table) == 1);
        var loweredAt = load.Now;
        var final = (await DescribeAsync(dynamo, table)).ProvisionedThroughput;
        var metered = await MeteredSumsAsync(stack.Endpoint("cloudwatch"), table, started);
        var decisions = Decisions(stack, table);
        var decreases = decisions.Count(d => d.GetProperty("outcome").GetString() == "updated"
                                             && d.GetProperty("why").GetString()!.StartsWith("scale in", StringComparison.Ordinal));
        var status = await PipelineCli.RunAsync(TimeSpan.FromMinutes(2), "status", "--state-dir", stack.StateDirectory);

        string[] lines =
        [
            $"stack up in {Seconds(stackUp)} s; scenario {Seconds(total.Elapsed - stackUp)} s (a scaled minute is {Seconds(ScaledMinute)} s)",
            $"at 1 WCU, {Seconds(raisedAt - loadStart)} s of load at {Demand * TimeScale}/s: {before.Served} served, {before.Throttled} throttled",
            $"raised to {peak} WCU; over {Seconds(quietTo - quietFrom)} s after: {after.Served} served ({servedPerScaledSecond:0.0} units/scaled s), {after.Throttled} throttled",
            $"load stopped: back to {final.WriteCapacityUnits} WCU after {Seconds(loweredAt - droppedAt)} s, {decreases} decrease(s) ({final.NumberOfDecreasesToday} today by DescribeTable)",
            $"metered (GetMetricData on the proxy): {metered.Throttles} write throttle events, {metered.Consumed} write units consumed",
            $"failed writes: {load.Count(Outcome.Failed, TimeSpan.Zero)} {load.LastFailure}",
            "decisions:",
            .. decisions.Select(d => "  " + d.GetRawText()),
        ];
        var report = string.Join('\n', lines);
        output.WriteLine(report);

        Assert.True(before.Throttled >= 50, report);
        Assert.Equal(0, load.Count(Outcome.Failed, TimeSpan.Zero));
        Assert.InRange(peak, 2, MaxWrite);
        Assert.Equal(0, after.Throttled);
        Assert.True(servedPerScaledSecond >= 3, "the load after the increase was not 3 times the first capacity:\n" + report);
        Assert.Equal(1, final.WriteCapacityUnits);
        // Counted from the decisions: NumberOfDecreasesToday restarts if the fast clock passes midnight UTC.
        Assert.InRange(decreases, 1, 4);
        Assert.True(metered.Throttles >= before.Throttled, report);
        Assert.True(metered.Consumed >= before.Served + after.Served, report);
        Assert.Contains(decisions, d => d.GetProperty("outcome").GetString() == "updated" && d.GetProperty("why").GetString()!.StartsWith("scale out", StringComparison.Ordinal));
        Assert.DoesNotContain(decisions, d => d.GetProperty("outcome").GetString()!.Contains("LimitExceeded", StringComparison.Ordinal));
        Assert.Contains($"cloudwatch     {stack.Endpoint("cloudwatch")}".TrimEnd('/'), status.Output, StringComparison.Ordinal);
    }

    /// <summary>Batches of 25 one-unit items until the table refuses one.</summary>
    private static async Task SpendBurstAsync(AmazonDynamoDBClient dynamo, string table)
    {
        for (var batch = 0; batch < 40; batch++)
        {
            try
            {
                await dynamo.BatchWriteItemAsync(new BatchWriteItemRequest
                {
                    RequestItems = new()
                    {
                        [table] = [.. Enumerable.Range(0, 25).Select(i => new WriteRequest(new PutRequest(new()
                        {
                            ["pk"] = new AttributeValue($"import-{batch}-{i}"),
                            ["payload"] = new AttributeValue("x"),
                        })))],
                    },
                });
            }
            catch (ProvisionedThroughputExceededException)
            {
                return;
            }
        }

        throw new InvalidOperationException($"40 batches of 25 writes were never throttled: is {table} metered?");
    }

    private static async Task<TableDescription> DescribeAsync(AmazonDynamoDBClient dynamo, string table) =>
        (await dynamo.DescribeTableAsync(table)).Table;

    private static async Task<long> WriteCapacityAsync(AmazonDynamoDBClient dynamo, string table) =>
        (await DescribeAsync(dynamo, table)).ProvisionedThroughput.WriteCapacityUnits ?? 0;

    /// <summary>Polls <paramref name="condition"/> every 250 ms; fails naming what it waited for.</summary>
    private static async Task WaitAsync(string what, TimeSpan deadline, Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow + deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"no {what} within {deadline.TotalSeconds} s");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>What the proxy serves as CloudWatch: the table's write throttle events and consumed write units.</summary>
    private static async Task<(double Throttles, double Consumed)> MeteredSumsAsync(Uri endpoint, string table, DateTimeOffset since)
    {
        using var http = new HttpClient();
        var client = new CloudWatchClient(CloudWatchClient.Service.At(http, "us-east-1", endpoint,
            _ => Task.FromResult(new ImmutableCredentials("S3RVER", "S3RVER", null))));
        var dimensions = new[] { new Dimension("TableName", table) };
        MetricDataQuery Query(string id, string metric) =>
            new(id, new MetricStat(new Pipeline.Aws.CloudWatch.Metric("AWS/DynamoDB", metric, dimensions), 60, "Sum"));

        // The stack's clock runs ahead of real time: a window of a day either side holds all of it.
        var results = await client.GetMetricDataAsync(
            new GetMetricDataRequest([Query("throttles", "WriteThrottleEvents"), Query("consumed", "ConsumedWriteCapacityUnits")],
                since.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)), CancellationToken.None);
        double Sum(string id) => results.Single(r => r.Id == id).Values?.Sum() ?? 0;
        return (Sum("throttles"), Sum("consumed"));
    }

    /// <summary>ScaleTables' decision lines about the table, from the stack's log of the function.</summary>
    private static List<JsonElement> Decisions(RunningStack stack, string table)
    {
        var logs = Directory.GetFiles(Path.GetDirectoryName(stack.Log("x"))!, "function-*ScaleTables*.log");
        return logs.SelectMany(File.ReadLines)
            .Where(line => line.StartsWith('{') && line.Contains("\"scaling-decision\"", StringComparison.Ordinal))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(d => d.GetProperty("table").GetString() == table)
            .ToList();
    }

    /// <summary>The ScaleTablesFunction resource of a template, as text.</summary>
    private static string ScaleTablesResource(string template)
    {
        var lines = File.ReadAllLines(template).SkipWhile(l => l != "  ScaleTablesFunction:").ToList();
        var end = lines.FindIndex(1, l => l.Length > 2 && l[2] != ' ' && l.StartsWith("  ", StringComparison.Ordinal));
        return string.Join('\n', (end < 0 ? lines : lines[..end]).Select(l => l.TrimEnd())).Trim();
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
}
