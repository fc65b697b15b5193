using System.Security.Cryptography;
using Pipeline.Aws.Artifacts;

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
    public async Task CopyAsync_WhenTheArtifactIsLarge_ShouldStreamItAndAnswerItsDigest()
    {
        var bucket = await emulators.CreateBucketAsync("artifacts");
        var store = new S3ArtifactStore(emulators.S3, bucket);
        var bytes = new byte[24 * 1024 * 1024];
        new Random(7).NextBytes(bytes);
        await emulators.PutBytesAsync(bucket, "builds/x/big.tgz", bytes);
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var copied = await store.CopyAsync("builds/x/big.tgz", "artifacts/orders/1/big.tgz");

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal((bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes))), (copied.Size, copied.Sha256));
        Assert.Null(copied.VersionId);
        using var read = await emulators.S3.GetObjectAsync(bucket, "artifacts/orders/1/big.tgz");
        using var hash = SHA256.Create();
        Assert.Equal(copied.Sha256, Convert.ToHexStringLower(await hash.ComputeHashAsync(read.ResponseStream)));
        // The old copy buffered the whole artifact in a MemoryStream (24 MiB and its doublings).
        Assert.True(allocated < bytes.Length / 2, $"allocated {allocated:N0} bytes to copy {bytes.Length:N0}");
    }

    [Fact]
    public async Task PutTextAsync_WhenRead_ShouldRoundTrip()
    {
        var store = new S3ArtifactStore(emulators.S3, await emulators.CreateBucketAsync("artifacts"));

        await store.PutTextAsync("artifacts/orders/1/service.yaml", "name: orders\nport: 1\n");

        Assert.Equal("name: orders\nport: 1\n", await store.ReadTextAsync("artifacts/orders/1/service.yaml"));
    }
}
