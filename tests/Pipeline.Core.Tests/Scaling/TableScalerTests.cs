using Pipeline.Core.Scaling;

namespace Pipeline.Core.Tests.Scaling;

public class TableScalerTests
{
    private static readonly ScalingSettings Settings = new(new Throughput(1, 1), new Throughput(1000, 1000));

    [Fact]
    public async Task RunAsync_WhenTableAndIndexAreHot_ShouldUpdateOnlyOneTargetPerTick()
    {
        var capacity = new FakeCapacity(new TableDescription("orders", BillingMode.Provisioned, ThroughputStatus.Active,
            [Target(null, 10), Target("by-customer", 10)]));
        var metrics = new FakeMetrics { [""] = Hot(), ["by-customer"] = Hot() };
        var log = new ListLog();

        var updates = await Scaler(capacity, metrics, log).RunAsync(CancellationToken.None);

        Assert.Equal(1, updates);
        Assert.Equal([("orders", (string?)null, new Throughput(143, 15))], capacity.Updates);
        Assert.Equal(2, log.Records.Count);
        Assert.Equal("updated", log.Records[0].Outcome);
        Assert.Contains("Updating", log.Records[1].Why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WhenDynamoDbRefusesWithLimitExceeded_ShouldLogAndCarryOn()
    {
        var capacity = new FakeCapacity(new TableDescription("orders", BillingMode.Provisioned, ThroughputStatus.Active,
            [Target(null, 10)])) { Outcome = UpdateOutcome.LimitExceeded };
        var log = new ListLog();

        var updates = await Scaler(capacity, new FakeMetrics { [""] = Hot() }, log).RunAsync(CancellationToken.None);

        Assert.Equal(0, updates);
        Assert.StartsWith("refused: LimitExceededException", Assert.Single(log.Records).Outcome, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WhenTableIsOnDemand_ShouldNotTouchIt()
    {
        var capacity = new FakeCapacity(new TableDescription("orders", BillingMode.PayPerRequest, ThroughputStatus.Active, [Target(null, 0)]));
        var log = new ListLog();

        await Scaler(capacity, new FakeMetrics { [""] = Hot() }, log).RunAsync(CancellationToken.None);

        Assert.Empty(capacity.Updates);
        Assert.Equal("skipped", Assert.Single(log.Records).Outcome);
    }

    [Fact]
    public async Task RunAsync_WhenDescribeThrows_ShouldLogTheErrorInsteadOfCrashing()
    {
        var capacity = new FakeCapacity(null) { Throws = new InvalidOperationException("network down") };
        var log = new ListLog();

        await Scaler(capacity, new FakeMetrics(), log).RunAsync(CancellationToken.None);

        Assert.Equal("error", Assert.Single(log.Records).Outcome);
    }

    private static TableScaler Scaler(FakeCapacity capacity, FakeMetrics metrics, ListLog log) => new(
        new FakeTables([new ScaledTable("orders", ["by-customer"], Settings)]), capacity, metrics, new PipelineScalingPolicy(), log, TimeProvider.System);

    private static TargetDescription Target(string? index, long units) => new(index, ThroughputStatus.Active, new Throughput(units, units), 0, null);

    // 100 read units/s demanded (10 consumed, 5400 throttled in the last minute), 10 writes.
    private static ThroughputHistory Hot()
    {
        var reads = Enumerable.Repeat(new MinuteSample(7, 0), 59).Append(new MinuteSample(10, 5400)).ToArray();
        var writes = Enumerable.Repeat(new MinuteSample(7, 0), 59).Append(new MinuteSample(10, 0)).ToArray();
        return new ThroughputHistory(reads, writes);
    }

    private sealed class FakeTables(IReadOnlyList<ScaledTable> tables) : IScaledTables
    {
        public Task<IReadOnlyList<ScaledTable>> ListAsync(CancellationToken cancellationToken) => Task.FromResult(tables);
    }

    private sealed class FakeMetrics : Dictionary<string, ThroughputHistory>, IThroughputMetrics
    {
        public Task<IReadOnlyDictionary<string, ThroughputHistory>> GetAsync(
            string table, IReadOnlyList<string> indexes, DateTimeOffset now, int minutes, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, ThroughputHistory>>(this);
    }

    private sealed class FakeCapacity(TableDescription? description) : ITableCapacity
    {
        public UpdateOutcome Outcome { get; init; } = UpdateOutcome.Applied;

        public Exception? Throws { get; init; }

        public List<(string, string?, Throughput)> Updates { get; } = [];

        public Task<TableDescription?> DescribeAsync(string table, CancellationToken cancellationToken) =>
            Throws is null ? Task.FromResult(description) : Task.FromException<TableDescription?>(Throws);

        public Task<UpdateOutcome> UpdateAsync(string table, string? index, Throughput capacity, CancellationToken cancellationToken)
        {
            if (Outcome == UpdateOutcome.Applied)
            {
                Updates.Add((table, index, capacity));
            }

            return Task.FromResult(Outcome);
        }
    }

    private sealed class ListLog : IScalingLog
    {
        public List<ScalingRecord> Records { get; } = [];

        public void Write(ScalingRecord record) => Records.Add(record);
    }
}
