using Pipeline.Aws.Artifacts;
using Pipeline.Testing;

namespace Pipeline.Aws.Tests;

[Collection(EmulatorFixture.Collection)]
public sealed class S3ArtifactStoreTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task ReadTextAsync_WhenKeyAbsent_ShouldReturnNull()
    {
        var store = new S3ArtifactStore(emulators.S3, await emulators.CreateBucketAsync("artifacts"));

        Assert.Null(await store.ReadTextAsync("nope/service.yaml"));
        Assert.Null(await store.HeadAsync("nope/a.zip"));
    }

    [Fact]
    public async Task CopyAsync_WhenSourceExists_ShouldGiveSameSizeAndETag()
    {
        var bucket = await emulators.CreateBucketAsync("artifacts");
        var store = new S3ArtifactStore(emulators.S3, bucket);
        await emulators.PutBytesAsync(bucket, "builds/x/a.zip", [1, 2, 3, 4, 5]);

        await store.CopyAsync("builds/x/a.zip", "artifacts/orders/1/a.zip");

        var source = await store.HeadAsync("builds/x/a.zip");
        var copy = await store.HeadAsync("artifacts/orders/1/a.zip");
        Assert.Equal(5, copy!.Size);
        Assert.Equal(source!.ETag, copy.ETag);
        Assert.DoesNotContain('"', copy.ETag);
    }

    [Fact]
    public async Task PutTextAsync_WhenRead_ShouldRoundTrip()
    {
        var store = new S3ArtifactStore(emulators.S3, await emulators.CreateBucketAsync("artifacts"));

        await store.PutTextAsync("artifacts/orders/1/service.yaml", "name: orders\nport: 1\n");

        Assert.Equal("name: orders\nport: 1\n", await store.ReadTextAsync("artifacts/orders/1/service.yaml"));
    }
}
