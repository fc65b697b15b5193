using Pipeline.Core.Routing;

namespace Pipeline.Core.Tests.Routing;

public class RoutesConfigPublisherTests
{
    private readonly InMemoryRoutesSequence _sequence = new();
    private readonly InMemoryRoutesStore _store = new();

    private RoutesConfigPublisher Publisher(RoutesConfigPublisherOptions? options = null) =>
        new(_sequence, _store, TimeProvider.System, options ?? RoutesConfigPublisherOptions.Default);

    private static RenderedConfig Config(string text) => new(text, RenderedConfig.HashOf(text));

    [Fact]
    public async Task Publish_WhenFirstConfig_ShouldWriteConfigOneAndPointerWithoutPrevious()
    {
        var result = await Publisher().PublishAsync(Config("a\n"), CancellationToken.None);

        Assert.True(result.Published);
        Assert.Equal(new RoutesPointer(1, RenderedConfig.HashOf("a\n"), "routes/haproxy/1.cfg", null), result.Current);
        Assert.Equal("a\n", _store.Configs["routes/haproxy/1.cfg"]);
        Assert.Equal(result.Current, _store.Pointer);
        Assert.Equal(result.Current, _sequence.Head);
    }

    [Fact]
    public async Task Publish_WhenConfigChanges_ShouldLinkPreviousRevision()
    {
        var first = await Publisher().PublishAsync(Config("a\n"), CancellationToken.None);

        var second = await Publisher().PublishAsync(Config("b\n"), CancellationToken.None);

        Assert.Equal(2, second.Current.Version);
        Assert.Equal(first.Current.Revision, second.Current.Previous);
        Assert.Equal(2, _store.Configs.Count);
    }

    [Fact]
    public async Task Publish_WhenConfigUnchanged_ShouldPublishNothing()
    {
        var first = await Publisher().PublishAsync(Config("a\n"), CancellationToken.None);

        var again = await Publisher().PublishAsync(Config("a\n"), CancellationToken.None);

        Assert.False(again.Published);
        Assert.Equal(first.Current, again.Current);
        Assert.Single(_store.Configs);
        Assert.Equal(1, _store.PointerWrites);
    }

    [Fact]
    public async Task Publish_WhenPointerLostAfterCommit_ShouldRewritePointerWithoutNewVersion()
    {
        var first = await Publisher().PublishAsync(Config("a\n"), CancellationToken.None);
        _store.Pointer = null;

        var again = await Publisher().PublishAsync(Config("a\n"), CancellationToken.None);

        Assert.False(again.Published);
        Assert.Equal(first.Current, _store.Pointer);
    }

    [Fact]
    public async Task Publish_WhenLeaseHeldByAnother_ShouldGiveUpWithRoutesBusy()
    {
        _sequence.HoldLease("other", DateTimeOffset.UtcNow.AddMinutes(5));
        var options = new RoutesConfigPublisherOptions(TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(20));

        var error = await Assert.ThrowsAsync<RoutesBusyException>(() => Publisher(options).PublishAsync(Config("a\n"), CancellationToken.None));

        Assert.Equal("Pipeline.RoutesBusy", error.ErrorType);
        Assert.Null(_store.Pointer);
    }

    [Fact]
    public async Task Publish_WhenHolderCrashedAndLeaseExpired_ShouldTakeOverAndNeverReuseANumber()
    {
        await Publisher().PublishAsync(Config("a\n"), CancellationToken.None);
        var crashed = await _sequence.TryAcquireAsync("crashed", DateTimeOffset.UtcNow.AddMinutes(-10), TimeSpan.FromSeconds(1), CancellationToken.None);
        await _sequence.ReserveNumberAsync(crashed!, CancellationToken.None);

        var result = await Publisher().PublishAsync(Config("b\n"), CancellationToken.None);

        Assert.Equal(3, result.Current.Version);
        Assert.Equal(1, result.Current.Previous!.Version);
    }

    [Fact]
    public async Task Publish_WhenManyPublishConcurrently_ShouldLoseNoUpdate()
    {
        var texts = Enumerable.Range(0, 16).Select(i => $"config {i}\n").ToList();
        var options = RoutesConfigPublisherOptions.Default with { RetryDelay = TimeSpan.FromMilliseconds(2) };

        var results = await Task.WhenAll(texts.Select(t => Task.Run(() => Publisher(options).PublishAsync(Config(t), CancellationToken.None))));

        Assert.All(results, r => Assert.True(r.Published));
        Assert.Equal(Enumerable.Range(1, 16).Select(i => (long)i), results.Select(r => r.Current.Version).Order());
        var chain = new List<long>();
        for (var p = _store.Pointer; p is not null; p = results.Select(r => r.Current).SingleOrDefault(r => r.Version == p.Previous?.Version))
        {
            chain.Add(p.Version);
        }

        Assert.Equal(Enumerable.Range(1, 16).Reverse().Select(i => (long)i), chain);
    }

    [Fact]
    public async Task Publish_WhenAnotherHoldsTheLease_ShouldTakeTheSnapshotOnlyOnceItHoldsIt()
    {
        var heldUntil = DateTimeOffset.UtcNow.AddMilliseconds(300);
        _sequence.HoldLease("other", heldUntil);
        var options = RoutesConfigPublisherOptions.Default with { RetryDelay = TimeSpan.FromMilliseconds(20) };
        DateTimeOffset? takenAt = null;

        await Publisher(options).PublishAsync(
            _ =>
            {
                takenAt = DateTimeOffset.UtcNow;
                return Task.FromResult(Config("a\n"));
            },
            null,
            CancellationToken.None);

        Assert.True(takenAt >= heldUntil, $"snapshot taken at {takenAt:O}, before the other holder's lease ended at {heldUntil:O}");
    }

    [Fact]
    public async Task Publish_WhileHeldStep_ShouldRunAfterThePointerAndBeforeAnyoneElseGetsTheLease()
    {
        RoutesPointer? pointerSeen = null;
        RoutesLease? rival = null;

        var result = await Publisher().PublishAsync(
            _ => Task.FromResult(Config("a\n")),
            async (published, cancel) =>
            {
                pointerSeen = _store.Pointer;
                rival = await _sequence.TryAcquireAsync("rival", DateTimeOffset.UtcNow, TimeSpan.FromSeconds(60), cancel);
            },
            CancellationToken.None);

        Assert.Equal(result.Current, pointerSeen);
        Assert.Null(rival);
        Assert.Equal(result.Current, _sequence.Head);
    }

    [Fact]
    public async Task Publish_WhenWhileHeldStepFailsAfterThePointerMoved_ShouldStillCommitItSoNumbersOnlyGrow()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Publisher().PublishAsync(
            _ => Task.FromResult(Config("a\n")),
            (_, _) => throw new InvalidOperationException("mark live failed"),
            CancellationToken.None));
        var next = await Publisher().PublishAsync(Config("a\n"), CancellationToken.None);

        Assert.Equal("mark live failed", error.Message);
        Assert.Equal(1, _sequence.Head?.Version);
        Assert.False(next.Published);
        Assert.Equal(1, _store.Pointer?.Version);
    }
}
