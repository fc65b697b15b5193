using Amazon.S3;
using Pipeline.Core.Versions;

namespace Pipeline.Aws.Artifacts;

/// <summary><see cref="IArtifactStore"/> over one S3 bucket.</summary>
public sealed class S3ArtifactStore(IAmazonS3 s3, string bucket) : IArtifactStore
{
    public async Task<string?> ReadTextAsync(string key, CancellationToken cancel = default)
    {
        try
        {
            using var response = await s3.GetObjectAsync(bucket, key, cancel);
            using var reader = new StreamReader(response.ResponseStream);
            return await reader.ReadToEndAsync(cancel);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<StoredObject?> HeadAsync(string key, CancellationToken cancel = default)
    {
        try
        {
            var response = await s3.GetObjectMetadataAsync(bucket, key, cancel);
            return new StoredObject(key, response.ContentLength, response.ETag.Trim('"'));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Copies through this process rather than with CopyObject, hashing on the way: s3rver 3.7.1
    /// cannot parse the SDK's URL-encoded <c>x-amz-copy-source</c> (it answers NoSuchBucket), and
    /// the digest of what was written is what a version records. The body is spooled to a temporary
    /// file, never held in memory: PutObject without chunked encoding (which S3 emulators store
    /// verbatim, framing and all) has to sign a payload it can read twice, and the response stream
    /// cannot be rewound.
    /// </summary>
    public async Task<CopiedObject> CopyAsync(string sourceKey, string targetKey, CancellationToken cancel = default)
    {
        await using var spool = new FileStream(Path.Combine(Path.GetTempPath(), "pipeline-copy-" + Guid.NewGuid().ToString("N")),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        string contentType;
        using (var source = await s3.GetObjectAsync(bucket, sourceKey, cancel))
        {
            contentType = source.Headers.ContentType;
            await source.ResponseStream.CopyToAsync(spool, cancel);
        }

        spool.Position = 0;
        var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(spool, cancel));
        var size = spool.Length;
        spool.Position = 0;
        var request = S3Uploads.Unchunked(bucket, targetKey, contentType);
        request.InputStream = spool;
        request.AutoCloseStream = false;
        var put = await s3.PutObjectAsync(request, cancel);
        return new CopiedObject(targetKey, size, sha256, string.IsNullOrEmpty(put.VersionId) ? null : put.VersionId);
    }

    public Task PutTextAsync(string key, string content, CancellationToken cancel = default) =>
        s3.PutTextAsync(bucket, key, content, "text/yaml; charset=utf-8", cancel);
}
