using Pipeline.Aws.CloudWatch;
using Pipeline.Aws.Scaling;
using Pipeline.Core.Scaling;

namespace Pipeline.Local.Aws.Tests.DynamoDB;

/// <summary>
/// The scaler's real adapters (CloudWatch client, DynamoDB SDK) against the proxy and dynalite:
/// the same code path the function takes, one tick at a time under a hand-moved clock.
/// </summary>
[Collection(EmulatorFixture.Collection)]
public class ScalerOnProxyTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task GetMetricData_ThroughTheCloudWatchClient_ShouldReturnWhatTheProxyMetered()
    {
        await using var table = await ProxiedTable.CreateAsync(emulators, 100, 100, withIndex: true);
        await table.PutManyAsync(30);

        var metrics = new CloudWatchThroughputMetrics(Client(table));
        var history = await metrics.GetAsync(table.Name, ["by-gk"], ProxiedTable.TenAm.AddMinutes(2), 5, CancellationToken.None);

        // 30 units in the 10:00 minute = 0.5 units/s, on the table and on the index.
        Assert.Equal([0, 0, 0, 0, 0.5], history[""].Writes.Select(s => s.Consumed));
        Assert.Equal([0, 0, 0, 0, 0.5], history["by-gk"].Writes.Select(s => s.Consumed));
        Assert.All(history[""].Reads, s => Assert.Equal(0, s.Consumed));
    }

    [Fact]
    public async Task TableScaler_WhenWritesAreThrottled_ShouldRaiseCapacityAndThenLowerItWithinTheQuota()
    {
        await using var table = await ProxiedTable.CreateAsync(emulators, 1, 1, burstSeconds: 1);
        var log = new ListLog();
        var settings = new ScalingSettings(new Throughput(1, 1), new Throughput(100, 100));
        var scaler = new TableScaler(
            new OneTable(new ScaledTable(table.Name, [], settings)),
            new DynamoDbTableCapacity(table.Client),
            new CloudWatchThroughputMetrics(Client(table)),
            new PipelineScalingPolicy(),
            log,
            table.Clock);

        // One minute of 300 attempted writes (5 per second) against 1 WCU: most are throttled.
        var throttled = await WriteAsync(table, 300);
        Assert.True(throttled > 200, $"only {throttled} throttled");

        // The next tick reads the minute of load as the last complete one.
        table.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await scaler.RunAsync(CancellationToken.None) == 1, string.Join("; ", log.Records));
        await table.WaitActiveAsync();
        var raised = (await table.Client.DescribeTableAsync(table.Name)).Table.ProvisionedThroughput.WriteCapacityUnits!.Value;
        Assert.True(raised >= 2, $"capacity {raised}");
        Assert.Contains("scale out", log.Records[^1].Why, StringComparison.Ordinal);

        // The same load now fits.
        Assert.Equal(0, await WriteAsync(table, (int)raised * 30));

        // Idle long enough for the policy to spend a decrease; dynalite refuses nothing, the proxy counts it.
        for (var tick = 0; tick < 12; tick++)
        {
            table.Clock.Advance(TimeSpan.FromMinutes(1));
            await scaler.RunAsync(CancellationToken.None);
            await table.WaitActiveAsync();
        }

        var lowered = (await table.Client.DescribeTableAsync(table.Name)).Table.ProvisionedThroughput;
        Assert.Equal(1, lowered.WriteCapacityUnits);
        Assert.InRange(lowered.NumberOfDecreasesToday!.Value, 1, 4);
    }

    // Spreads writes over one minute of the manual clock; returns how many were throttled.
    private static async Task<int> WriteAsync(ProxiedTable table, int writes)
    {
        var throttled = 0;
        for (var i = 0; i < writes; i++)
        {
            try
            {
                await table.PutAsync($"w{i}");
            }
            catch (Amazon.DynamoDBv2.Model.ProvisionedThroughputExceededException)
            {
                throttled++;
            }

            table.Clock.Advance(TimeSpan.FromSeconds(60.0 / writes));
        }

        return throttled;
    }

    private static CloudWatchClient Client(ProxiedTable table) => new(CloudWatchClient.Service.At(
        new HttpClient(), "us-east-1", table.Proxy.Endpoint,
        _ => Task.FromResult(new Amazon.Runtime.ImmutableCredentials("local", "local", null)), table.Clock));

    private sealed class OneTable(ScaledTable table) : IScaledTables
    {
        public Task<IReadOnlyList<ScaledTable>> ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ScaledTable>>([table]);
    }

    private sealed class ListLog : IScalingLog
    {
        public List<ScalingRecord> Records { get; } = [];

        public void Write(ScalingRecord record) => Records.Add(record);
    }
}
