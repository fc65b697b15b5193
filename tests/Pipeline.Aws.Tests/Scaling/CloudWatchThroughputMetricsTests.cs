using Pipeline.Aws.Scaling;

namespace Pipeline.Aws.Tests.Scaling;

public class CloudWatchThroughputMetricsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 12, 30, 40, TimeSpan.Zero);

    [Fact]
    public async Task GetAsync_WhenTableHasAnIndex_ShouldQueryBothWithDynamoDbDimensions()
    {
        var handler = new RecordingHandler().Respond("""{"MetricDataResults":[]}""");
        var metrics = Metrics(handler);

        await metrics.GetAsync("orders", ["by-customer"], Now, 10, CancellationToken.None);

        var body = JsonNode.Parse(handler.Requests.Single().Body)!;
        var queries = body["MetricDataQueries"]!.AsArray();
        Assert.Equal(8, queries.Count);
        var names = queries.Select(q => q!["MetricStat"]!["Metric"]!["MetricName"]!.GetValue<string>()).Distinct().Order();
        Assert.Equal(["ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits", "ReadThrottleEvents", "WriteThrottleEvents"], names);
        var indexQuery = queries[4]!["MetricStat"]!;
        Assert.Equal("AWS/DynamoDB", indexQuery["Metric"]!["Namespace"]!.GetValue<string>());
        Assert.Equal("GlobalSecondaryIndexName", indexQuery["Metric"]!["Dimensions"]![1]!["Name"]!.GetValue<string>());
        Assert.Equal(60, indexQuery["Period"]!.GetValue<int>());
        Assert.Equal("Sum", indexQuery["Stat"]!.GetValue<string>());
        // Ten whole minutes, ending one minute before the current one (12:29): 12:19 to 12:29.
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 12, 19, 0, TimeSpan.Zero).ToUnixTimeSeconds(), body["StartTime"]!.GetValue<long>());
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 12, 29, 0, TimeSpan.Zero).ToUnixTimeSeconds(), body["EndTime"]!.GetValue<long>());
    }

    [Fact]
    public async Task GetAsync_WhenDatapointsAreSparse_ShouldAverageSumsPerSecondAndZeroIdleMinutes()
    {
        var start = new DateTimeOffset(2026, 3, 2, 12, 26, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var handler = new RecordingHandler().Respond($$"""
            {"MetricDataResults":[
              {"Id":"m0_0","Timestamps":[{{start + 120}}],"Values":[600],"StatusCode":"Complete"},
              {"Id":"m0_2","Timestamps":[{{start + 120}}],"Values":[42],"StatusCode":"Complete"},
              {"Id":"m0_1","Timestamps":[{{start}}],"Values":[120],"StatusCode":"Complete"}]}
            """);

        var history = (await Metrics(handler).GetAsync("orders", [], Now, 3, CancellationToken.None))[""];

        Assert.Equal([0, 0, 10], history.Reads.Select(s => s.Consumed));
        Assert.Equal([0, 0, 42], history.Reads.Select(s => s.ThrottleEvents));
        Assert.Equal([2, 0, 0], history.Writes.Select(s => s.Consumed));
    }

    private static CloudWatchThroughputMetrics Metrics(RecordingHandler handler) => new(new CloudWatchClient(CloudWatchClient.Service.At(
        new HttpClient(handler), "us-east-1", new Uri("http://127.0.0.1:1/"),
        _ => Task.FromResult(new Amazon.Runtime.ImmutableCredentials("a", "b", null)))));
}
