using Amazon.DynamoDBv2.Model;
using Pipeline.Core.Routing;

namespace Pipeline.Aws.Tests.Routing;

[Collection(EmulatorFixture.Collection)]
public class RoutesConfigPublisherLeaseTests(EmulatorFixture emulators)
{
    private static readonly Dictionary<string, AttributeValue> ItemKey = RoutingTestTables.SequenceKey;

    private async Task<(DynamoDbRoutesSequence Sequence, S3RoutesStore Store)> FreshAsync()
    {
        var table = await RoutingTestTables.CreateAsync(emulators);
        var bucket = await emulators.CreateBucketAsync("routes");
        return (new DynamoDbRoutesSequence(emulators.DynamoDb, table, ItemKey), new S3RoutesStore(emulators.S3, bucket));
    }

    private static RenderedConfig Config(string text) => new(text, RenderedConfig.HashOf(text));

    [Fact]
    public async Task Publish_WhenManyPublishersRaceOnDynaliteAndS3rver_ShouldLoseNoUpdate()
    {
        var (sequence, store) = await FreshAsync();
        var options = RoutesConfigPublisherOptions.Default with { RetryDelay = TimeSpan.FromMilliseconds(10) };
        var texts = Enumerable.Range(0, 8).Select(i => $"# config {i}\n").ToList();

        var results = await Task.WhenAll(texts.Select(t =>
            Task.Run(() => new RoutesConfigPublisher(sequence, store, TimeProvider.System, options).PublishAsync(Config(t), CancellationToken.None))));

        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), results.Select(r => r.Current.Version).Order());
        var seen = new List<string>();
        for (var pointer = await store.GetPointerAsync(CancellationToken.None); pointer is not null;
             pointer = pointer.Previous is null ? null : results.Single(r => r.Current.Version == pointer.Previous.Version).Current)
        {
            var text = System.Text.Encoding.UTF8.GetString(await store.GetConfigAsync(pointer.Key, CancellationToken.None));
            Assert.Equal(pointer.Sha256, RenderedConfig.HashOf(text));
            seen.Add(text);
        }

        Assert.Equal(texts.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Publish_WhenConfigUnchanged_ShouldWriteNothingToS3()
    {
        var (sequence, store) = await FreshAsync();
        var publisher = new RoutesConfigPublisher(sequence, store, TimeProvider.System, RoutesConfigPublisherOptions.Default);
        var first = await publisher.PublishAsync(Config("# a\n"), CancellationToken.None);
        var etag = (await store.PollPointerAsync(null, CancellationToken.None)).ETag;

        var again = await publisher.PublishAsync(Config("# a\n"), CancellationToken.None);

        Assert.False(again.Published);
        Assert.Equal(first.Current, again.Current);
        Assert.False((await store.PollPointerAsync(etag, CancellationToken.None)).Changed);
    }

    [Fact]
    public async Task Commit_WhenLeaseWasTakenOver_ShouldThrowLeaseLost()
    {
        var (sequence, _) = await FreshAsync();
        var stale = await sequence.TryAcquireAsync("slow", DateTimeOffset.UtcNow.AddMinutes(-5), TimeSpan.FromSeconds(1), CancellationToken.None);
        var fresh = await sequence.TryAcquireAsync("fast", DateTimeOffset.UtcNow, TimeSpan.FromSeconds(60), CancellationToken.None);
        Assert.NotNull(fresh);

        var error = await Assert.ThrowsAsync<RoutesLeaseLostException>(() =>
            sequence.CommitAsync(stale!, new RoutesPointer(1, "00", "routes/haproxy/1.cfg", null), CancellationToken.None));

        Assert.Equal("Pipeline.RoutesLeaseLost", error.ErrorType);
        Assert.Null(await sequence.TryAcquireAsync("third", DateTimeOffset.UtcNow, TimeSpan.FromSeconds(60), CancellationToken.None));
    }

    [Fact]
    public async Task PollPointer_WhenETagUnchanged_ShouldReportNotModified()
    {
        var (_, store) = await FreshAsync();
        Assert.Null((await store.PollPointerAsync(null, CancellationToken.None)).Current);
        var pointer = new RoutesPointer(1, RenderedConfig.HashOf("x"), RoutesKeys.Config(1), null);
        await store.PutPointerAsync(pointer, CancellationToken.None);

        var first = await store.PollPointerAsync(null, CancellationToken.None);
        var idle = await store.PollPointerAsync(first.ETag, CancellationToken.None);

        Assert.Equal(pointer, first.Current);
        Assert.NotNull(first.ETag);
        Assert.False(idle.Changed);
    }

    [Fact]
    public async Task GetConfig_WhenTheObjectIsLargerThanTheCap_ShouldRefuseItNamingTheCap()
    {
        var (_, store) = await FreshAsync();
        await store.PutConfigAsync(RoutesKeys.Config(7), "#" + new string('x', 4096) + "\n", CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetConfigAsync(RoutesKeys.Config(7), 1024, CancellationToken.None));
        var whole = await store.GetConfigAsync(RoutesKeys.Config(7), 8192, CancellationToken.None);

        Assert.Contains("at most 1024", error.Message, StringComparison.Ordinal);
        Assert.Equal(4098, whole.Length);
    }

    [Theory]
    [InlineData(null, null, "haproxy", "haproxy")]
    [InlineData("none", "none", null, null)]
    [InlineData("www-data", null, "www-data", "haproxy")]
    public void RouterSettingsFrom_ShouldDropRootByDefaultAndKeepTheUserOnlyWhenToldNone(string? user, string? group, string? expectedUser, string? expectedGroup)
    {
        var env = new Dictionary<string, string?>
        {
            ["PIPELINE_ROUTER_PORT"] = "8080",
            ["PIPELINE_ROUTER_RUNTIME_SOCKET"] = "/run/haproxy/admin.sock",
            ["PIPELINE_ROUTER_USER"] = user,
            ["PIPELINE_ROUTER_GROUP"] = group,
        };

        var settings = RegistryRoutesPublisherFromEnvironment.RouterSettingsFrom(env.GetValueOrDefault);

        Assert.Equal((expectedUser, expectedGroup), (settings.User, settings.Group));
        Assert.Equal(("*", 8080), (settings.BindAddress, settings.Port));
    }
}
