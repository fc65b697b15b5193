using Pipeline.Aws.Deploy;

namespace Pipeline.Aws.Tests.Deploy;

[Collection(EmulatorFixture.Collection)]
public sealed class S3RouterStatusSourceTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task ListAsync_WhenAgentsReported_ShouldReadEveryStatus()
    {
        var bucket = await emulators.CreateBucketAsync("routes");
        await emulators.PutTextAsync(bucket, "routes/status/router-a.json",
            """{"node":"router-a","appliedVersion":7,"lastError":null,"time":"2026-11-28T06:00:00+00:00","rejectedVersion":null}""");
        await emulators.PutTextAsync(bucket, "routes/status/router-b.json",
            """{"node":"router-b","appliedVersion":6,"lastError":"haproxy -c failed","time":"2026-11-28T06:00:01+00:00","rejectedVersion":7}""");
        await emulators.PutTextAsync(bucket, "routes/haproxy/current.json", """{"version":7}""");

        var reports = (await new S3RouterStatusSource(emulators.S3, bucket).ListAsync()).OrderBy(r => r.Node).ToList();

        Assert.Equal(2, reports.Count);
        Assert.Equal(new RouterReport("router-a", 7, null, null, new DateTimeOffset(2026, 11, 28, 6, 0, 0, TimeSpan.Zero)), reports[0] with { Stored = null });
        Assert.InRange(reports[0].Stored!.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(6, reports[1].AppliedVersion);
        Assert.Equal(7, reports[1].RejectedVersion);
        Assert.Equal("haproxy -c failed", reports[1].LastError);
    }

    [Fact]
    public async Task ListAsync_WhenTheAgentSaysItsPollInterval_ShouldCarryItAndTheStoreTime()
    {
        var bucket = await emulators.CreateBucketAsync("routes");
        await emulators.PutTextAsync(bucket, "routes/status/router-e.json",
            """{"node":"router-e","appliedVersion":3,"time":"2020-01-01T00:00:00+00:00","heartbeat":41,"pollIntervalMs":500}""");
        await emulators.PutTextAsync(bucket, "routes/status/router-f.json", "{ not json");

        var reports = (await new S3RouterStatusSource(emulators.S3, bucket).ListAsync()).OrderBy(r => r.Node).ToList();

        Assert.Equal(TimeSpan.FromMilliseconds(500), reports[0].PollInterval);
        // The router's clock says 2020; the store's LastModified says now, and that is what liveness reads.
        Assert.True(new RouterLiveness().IsAlive(reports[0], DateTimeOffset.UtcNow));
        Assert.True(new RouterLiveness().IsAlive(reports[1], DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task ListAsync_WhenAStatusIsCorrupt_ShouldReportItsProblemUnderTheFileName()
    {
        var bucket = await emulators.CreateBucketAsync("routes");
        await emulators.PutTextAsync(bucket, "routes/status/router-c.json", "{ not json");
        await emulators.PutTextAsync(bucket, "routes/status/router-d.json", """{"appliedVersion":"seven"}""");

        var reports = (await new S3RouterStatusSource(emulators.S3, bucket).ListAsync()).OrderBy(r => r.Node).ToList();

        Assert.Equal("router-c", reports[0].Node);
        Assert.StartsWith("status is not valid JSON", reports[0].Problem, StringComparison.Ordinal);
        Assert.Equal("router-d", reports[1].Node);
        Assert.StartsWith("status has a field of the wrong type", reports[1].Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_WhenNoRouterReported_ShouldBeEmpty()
    {
        var bucket = await emulators.CreateBucketAsync("routes");

        Assert.Empty(await new S3RouterStatusSource(emulators.S3, bucket).ListAsync());
    }
}
