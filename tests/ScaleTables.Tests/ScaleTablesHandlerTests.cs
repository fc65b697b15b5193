using System.Text.Json;
using Pipeline.Core.Scaling;
using Pipeline.Functions.ScaleTables;
using Pipeline.Lambda;

namespace ScaleTables.Tests;

public class ScaleTablesHandlerTests
{
    [Fact]
    public async Task HandleAsync_WhenScheduledEventArrives_ShouldRunOneTickAndReportUpdates()
    {
        var input = JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Events", "scheduled-event.json")), ScaleTablesJson.Default.JsonElement);
        var capacity = new OneHotTable();
        var output = new StringWriter();
        var scaler = new TableScaler(capacity, capacity, capacity, new PipelineScalingPolicy(), new JsonLineScalingLog(output), TimeProvider.System);

        var result = await new ScaleTablesHandler(scaler).HandleAsync(input, new InvocationContext("req-1", DateTimeOffset.UtcNow.AddMinutes(1), "arn", null, CancellationToken.None));

        Assert.Equal(1, result.Updates);
        var line = JsonDocument.Parse(output.ToString().Trim()).RootElement;
        Assert.Equal("scaling-decision", line.GetProperty("event").GetString());
        Assert.Equal("orders", line.GetProperty("table").GetString());
        Assert.Equal(10, line.GetProperty("oldWrite").GetInt64());
        Assert.Equal(15, line.GetProperty("newWrite").GetInt64());
        Assert.Equal("updated", line.GetProperty("outcome").GetString());
        Assert.StartsWith("scale out", line.GetProperty("why").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""["not", "an", "event"]""", "array")]
    [InlineData("\"tick\"", "string")]
    [InlineData("null", "null")]
    public async Task HandleAsync_WhenInputIsNotAnObject_ShouldRefuseWithInvalidInputBeforeReadingAnyTable(string json, string kind)
    {
        var output = new StringWriter();
        var capacity = new OneHotTable();
        var scaler = new TableScaler(capacity, capacity, capacity, new PipelineScalingPolicy(), new JsonLineScalingLog(output), TimeProvider.System);

        var error = await Assert.ThrowsAsync<Pipeline.Core.Errors.InvalidInputException>(() => new ScaleTablesHandler(scaler).HandleAsync(
            JsonDocument.Parse(json).RootElement, new InvocationContext("req-1", DateTimeOffset.UtcNow.AddMinutes(1), "arn", null, CancellationToken.None)));

        Assert.Equal($"the input must be a JSON object (the schedule's event, or {{}}), not {kind}", error.Message);
        Assert.Equal(0, capacity.Listed);
        Assert.Empty(output.ToString());
    }

    [Fact]
    public void JsonLineScalingLog_WhenNothingIsKnownOfTheTable_ShouldOmitCapacities()
    {
        var output = new StringWriter();
        new JsonLineScalingLog(output).Write(new ScalingRecord("gone", null, default, null, "table not found", "skipped"));

        var line = JsonDocument.Parse(output.ToString()).RootElement;
        Assert.Equal(JsonValueKind.Null, line.GetProperty("oldRead").ValueKind);
        Assert.Equal("skipped", line.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task HandleAsync_WhenARecorderIsGiven_ShouldRecordTheTicksDecisionsWithTheirTimeAfterTheTick()
    {
        var capacity = new OneHotTable();
        var store = new InMemoryDecisions();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-12-05T04:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var output = new StringWriter();
        var recorder = new RecordedScalingLog(new JsonLineScalingLog(output), store, clock);
        var scaler = new TableScaler(capacity, capacity, capacity, new PipelineScalingPolicy(), recorder, clock);

        await new ScaleTablesHandler(scaler, recorder).HandleAsync(
            JsonDocument.Parse("{}").RootElement, new InvocationContext("req-1", DateTimeOffset.UtcNow.AddMinutes(1), "arn", null, CancellationToken.None));

        var decision = Assert.Single(store.Recorded);
        Assert.Equal(clock.GetUtcNow(), decision.At);
        Assert.Equal(("orders", new Throughput(5, 10), (Throughput?)new Throughput(5, 15), "updated"),
            (decision.Record.Table, decision.Record.Old, decision.Record.New, decision.Record.Outcome));
        Assert.Single(output.ToString().Trim().Split('\n'));

        // A second tick with nothing new to decide records nothing more: the log was drained.
        await recorder.FlushAsync(CancellationToken.None);
        Assert.Single(store.Recorded);
    }

    private sealed class InMemoryDecisions : IScalingDecisions
    {
        public List<RecordedDecision> Recorded { get; } = [];

        public Task RecordAsync(IReadOnlyList<RecordedDecision> decisions, CancellationToken cancellationToken)
        {
            Recorded.AddRange(decisions);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<RecordedDecision>> ListAsync(string table, DateTimeOffset since, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<RecordedDecision>>(Recorded.Where(d => d.Record.Table == table && d.At >= since).ToList());
    }

    // One table at 10 WCU whose last minute consumed all 10: the policy must raise it.
    private sealed class OneHotTable : IScaledTables, ITableCapacity, IThroughputMetrics
    {
        public int Listed { get; private set; }

        public Task<IReadOnlyList<ScaledTable>> ListAsync(CancellationToken cancellationToken)
        {
            Listed++;
            return Task.FromResult<IReadOnlyList<ScaledTable>>([new ScaledTable("orders", [], new ScalingSettings(new Throughput(1, 1), new Throughput(100, 100)))]);
        }

        public Task<TableDescription?> DescribeAsync(string table, CancellationToken cancellationToken) =>
            Task.FromResult<TableDescription?>(new TableDescription(table, BillingMode.Provisioned, ThroughputStatus.Active,
                [new TargetDescription(null, ThroughputStatus.Active, new Throughput(5, 10), 0, null)]));

        public Task<UpdateOutcome> UpdateAsync(string table, string? index, Throughput capacity, CancellationToken cancellationToken) =>
            Task.FromResult(UpdateOutcome.Applied);

        public Task<IReadOnlyDictionary<string, ThroughputHistory>> GetAsync(
            string table, IReadOnlyList<string> indexes, DateTimeOffset now, int minutes, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, ThroughputHistory>>(new Dictionary<string, ThroughputHistory>
            {
                [""] = new(Enumerable.Repeat(new MinuteSample(2, 0), 60).ToArray(), Enumerable.Repeat(new MinuteSample(10, 0), 60).ToArray()),
            });
    }
}
