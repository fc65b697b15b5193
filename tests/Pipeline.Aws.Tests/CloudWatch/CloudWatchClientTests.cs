using System.Globalization;

namespace Pipeline.Aws.Tests.CloudWatch;

public class CloudWatchClientTests
{
    private static string Fixture(string name) => SignedRequests.Fixture("CloudWatch", name);

    private static GetMetricDataRequest DocumentedRequest() => new(
        [new MetricDataQuery("m1", new MetricStat(new Metric("AWS/Billing", "EstimatedCharges", [new Dimension("Currency", "USD")]), 21600, "Maximum"))],
        new DateTimeOffset(2024, 9, 26, 12, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2024, 9, 26, 18, 0, 0, TimeSpan.Zero));

    private static (CloudWatchClient Client, RecordingHandler Handler) Client(RecordingHandler handler) =>
        (new CloudWatchClient(CloudWatchClient.Service.At(new HttpClient(handler), "us-east-1", new Uri("https://monitoring.us-east-1.amazonaws.com/"),
            SignedRequests.StaticCredentials, SignedRequests.Clock)), handler);

    [Fact]
    public async Task GetMetricData_WhenCalled_ShouldSendTheDocumentedJsonBody()
    {
        var (client, handler) = Client(new RecordingHandler().Respond(Fixture("get-metric-data.response.json")));

        await client.GetMetricDataAsync(DocumentedRequest(), CancellationToken.None);

        var sent = JsonNode.Parse(handler.Requests.Single().Body);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Fixture("get-metric-data.request.json")), sent), sent!.ToJsonString());
    }

    [Fact]
    public async Task GetMetricData_WhenCalled_ShouldUseTheJson10ProtocolHeaders()
    {
        var (client, handler) = Client(new RecordingHandler().Respond(Fixture("get-metric-data.response.json")));

        await client.GetMetricDataAsync(DocumentedRequest(), CancellationToken.None);

        var request = handler.Requests.Single().Request;
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/", request.RequestUri!.AbsolutePath);
        Assert.Equal("GraniteServiceVersion20100801.GetMetricData", request.Headers.GetValues("X-Amz-Target").Single());
        Assert.Equal("application/x-amz-json-1.0", request.Content!.Headers.ContentType!.MediaType);
        Assert.Equal("20240926T180005Z", request.Headers.GetValues("X-Amz-Date").Single());
    }

    [Fact]
    public async Task GetMetricData_WhenSigned_ShouldCarryAValidSigV4Signature()
    {
        var (client, handler) = Client(new RecordingHandler().Respond(Fixture("get-metric-data.response.json")));

        await client.GetMetricDataAsync(DocumentedRequest(), CancellationToken.None);

        var (request, body) = handler.Requests.Single();
        SignedRequests.AssertSigned(request, body, "monitoring.us-east-1.amazonaws.com", "us-east-1", "monitoring",
            "GraniteServiceVersion20100801.GetMetricData");
    }

    [Fact]
    public async Task GetMetricData_WhenAnswered_ShouldReadTheDocumentedResponse()
    {
        var (client, _) = Client(new RecordingHandler().Respond(Fixture("get-metric-data.response.json")));

        var result = Assert.Single(await client.GetMetricDataAsync(DocumentedRequest(), CancellationToken.None));

        Assert.Equal("m1", result.Id);
        Assert.Equal("EstimatedCharges", result.Label);
        Assert.Equal("Complete", result.StatusCode);
        Assert.Equal([new DateTimeOffset(2024, 9, 26, 12, 0, 0, TimeSpan.Zero)], result.Timestamps);
        Assert.Equal([542.38], result.Values);
    }

    [Fact]
    public async Task GetMetricData_WhenPaginated_ShouldFollowNextTokenAndMergeSeries()
    {
        var handler = new RecordingHandler()
            .Respond("""{"MetricDataResults":[{"Id":"m1","Timestamps":[1727352000],"Values":[1.5],"StatusCode":"PartialData"}],"NextToken":"page2"}""")
            .Respond("""{"MetricDataResults":[{"Id":"m1","Timestamps":[1727373600],"Values":[2.5],"StatusCode":"Complete"}]}""");
        var (client, _) = Client(handler);

        var result = Assert.Single(await client.GetMetricDataAsync(DocumentedRequest(), CancellationToken.None));

        Assert.Equal([1.5, 2.5], result.Values);
        Assert.Equal("page2", JsonNode.Parse(handler.Requests[1].Body)!["NextToken"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetMetricData_WhenCloudWatchRefuses_ShouldThrowWithTheErrorCode()
    {
        var (client, _) = Client(new RecordingHandler().Respond(Fixture("invalid-next-token.error.json"), HttpStatusCode.BadRequest, "InvalidNextToken;Sender"));

        var error = await Assert.ThrowsAsync<CloudWatchException>(() => client.GetMetricDataAsync(DocumentedRequest(), CancellationToken.None));

        Assert.Equal("InvalidNextToken", error.Code);
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Contains("NextToken is invalid", error.Message, StringComparison.Ordinal);
    }
}
