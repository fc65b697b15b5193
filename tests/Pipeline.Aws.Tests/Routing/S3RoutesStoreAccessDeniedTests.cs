using Amazon.Runtime;
using Amazon.S3;
using Pipeline.Core.Routing;

namespace Pipeline.Aws.Tests.Routing;

/// <summary>
/// s3rver does not enforce IAM, so S3's 403-for-a-missing-key is played by a stub endpoint behind
/// the real SDK client: the SDK parses S3's XML errors exactly as it would on AWS.
/// </summary>
public sealed class S3RoutesStoreAccessDeniedTests
{
    private const string Denied =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>";

    [Fact]
    public async Task PollPointer_WhenGetIsDeniedAndTheListingShowsNoPointer_ShouldReportNothingPublished()
    {
        var store = Store(new S3Stub(listing: Listing()));

        var poll = await store.PollPointerAsync(null, CancellationToken.None);

        Assert.Null(poll.Current);
        Assert.Null(poll.ETag);
    }

    [Fact]
    public async Task PollPointer_WhenGetIsDeniedButThePointerExists_ShouldNameTheMissingGetObjectGrant()
    {
        var store = Store(new S3Stub(listing: Listing(RoutesKeys.CurrentPointer)));

        var error = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => store.PollPointerAsync(null, CancellationToken.None));

        Assert.Contains("exists but GetObject is denied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollPointer_WhenGetAndListAreBothDenied_ShouldNameTheMissingListBucketGrant()
    {
        var store = Store(new S3Stub(listing: null));

        var error = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => store.PollPointerAsync("\"7\"", CancellationToken.None));

        Assert.Contains("grant s3:ListBucket", error.Message, StringComparison.Ordinal);
    }

    private static string Listing(params string[] keys) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" +
        "<Name>routes</Name><Prefix>routes/haproxy/current.json</Prefix><KeyCount>" + keys.Length + "</KeyCount><MaxKeys>1</MaxKeys><IsTruncated>false</IsTruncated>" +
        string.Concat(keys.Select(k => $"<Contents><Key>{k}</Key><Size>90</Size><ETag>\"e\"</ETag><LastModified>2026-12-04T06:00:00.000Z</LastModified></Contents>")) +
        "</ListBucketResult>";

    private static S3RoutesStore Store(S3Stub stub) => new(new AmazonS3Client(
        new BasicAWSCredentials("test", "test"),
        new AmazonS3Config
        {
            ServiceURL = "http://s3.stub.invalid",
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
            HttpClientFactory = new StubFactory(stub),
        }), "routes");

    private sealed class StubFactory(HttpMessageHandler handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);
    }

    /// <summary>GetObject on the pointer is always denied; ListObjectsV2 answers the listing, or 403 when null.</summary>
    private sealed class S3Stub(string? listing) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var isList = request.RequestUri!.Query.Contains("list-type=2", StringComparison.Ordinal);
            var (status, body) = isList && listing is not null ? (HttpStatusCode.OK, listing) : (HttpStatusCode.Forbidden, Denied);
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/xml") });
        }
    }
}
