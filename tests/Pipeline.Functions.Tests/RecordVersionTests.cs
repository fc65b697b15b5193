using Pipeline.Core.Registry;

namespace Pipeline.Functions.Tests;

[Collection(EmulatorFixture.Collection)]
public sealed class RecordVersionTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task HandleAsync_WhenBuildIsGood_ShouldRecordLabelledVersionAndKeepArtifact()
    {
        var stack = await TestStack.CreateAsync(emulators);

        var output = await stack.RecordAsync(await stack.BuildAsync("exec-1", Manifests.Orders, "zip-1"));

        Assert.Equal(("orders", "1.4.1-89abcde", 1L, "Recorded"), (output.Service, output.Label, output.Count, output.Status));
        Assert.Equal("artifacts/orders/1.4.1-89abcde/orders.zip", output.ArtifactKey);
        Assert.Equal("zip-1", await stack.Store.ReadTextAsync(output.ArtifactKey));
        Assert.Equal(Manifests.Orders, await stack.Store.ReadTextAsync(output.ManifestKey));
        var version = await stack.Registry.GetVersionAsync("orders", output.Label);
        Assert.Equal((TestStack.Commit, "exec-1", VersionStatus.Recorded), (version!.Commit, version.ExecutionId, version.Status));
        Assert.Equal(output.ManifestHash, version.ManifestHash);
        Assert.Equal(output.Label, (await stack.Registry.GetServiceAsync("orders"))!.LatestLabel);
        Assert.Empty(await stack.Registry.ListRouteClaimsAsync()); // routes are claimed when a version goes live, not at build
    }

    [Fact]
    public async Task HandleAsync_WhenExecutionReRuns_ShouldReturnTheSameLabelAndChangeNothing()
    {
        var stack = await TestStack.CreateAsync(emulators);
        var input = await stack.BuildAsync("exec-1", Manifests.Orders);
        var first = await stack.RecordAsync(input);
        var before = await stack.SnapshotAsync();

        var again = await stack.RecordAsync(input);

        Assert.Equal(first, again);
        Assert.Equal(before, await stack.SnapshotAsync());
    }

    [Fact]
    public async Task HandleAsync_WhenManyExecutionsRunInParallel_ShouldGiveDistinctConsecutiveLabels()
    {
        const int runs = 24;
        var stack = await TestStack.CreateAsync(emulators);
        var inputs = new List<Pipeline.Functions.RecordVersion.RecordVersionInput>();
        for (var i = 0; i < runs; i++)
        {
            inputs.Add(await stack.BuildAsync($"exec-{i}", Manifests.Orders, $"zip-{i}"));
        }

        var outputs = await Task.WhenAll(inputs.Select(input => Task.Run(() => stack.RecordAsync(input))));

        Assert.Equal(Enumerable.Range(1, runs).Select(i => (long)i), outputs.Select(o => o.Count).Order());
        Assert.Equal(runs, outputs.Select(o => o.Label).Distinct().Count());
        Assert.All(outputs, o => Assert.Equal($"1.4.{o.Count}-89abcde", o.Label));
        foreach (var (input, output) in inputs.Zip(outputs))
        {
            // Each label keeps its own execution's artifact.
            Assert.Equal($"zip-{input.ExecutionId[5..]}", await stack.Store.ReadTextAsync(output.ArtifactKey));
        }

        Assert.Equal(runs, (await stack.Registry.ListVersionsAsync("orders")).Count);
        Assert.Equal(runs, (await stack.Registry.GetServiceAsync("orders"))!.LatestCount);
    }

    [Fact]
    public async Task HandleAsync_WhenLaterExecutions_ShouldNeverReuseOrLowerALabel()
    {
        var stack = await TestStack.CreateAsync(emulators);
        var counts = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            var input = await stack.BuildAsync($"exec-{i}", Manifests.Orders);
            counts.Add((await stack.RecordAsync(input)).Count);
            counts.Add((await stack.RecordAsync(input)).Count);
        }

        Assert.Equal([1L, 1, 2, 2, 3, 3, 4, 4], counts);
    }
}
