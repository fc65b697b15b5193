using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
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
    /// Copies by reading and writing the object rather than with CopyObject: s3rver cannot parse the
    /// URL-encoded x-amz-copy-source the SDK sends (it reports the source bucket missing), and a
    /// stream copy behaves the same on S3 and locally.
    /// </summary>
    public async Task CopyAsync(string sourceKey, string targetKey, CancellationToken cancel = default)
    {
        using var source = await s3.GetObjectAsync(bucket, sourceKey, cancel);
        using var buffer = new MemoryStream();
        await source.ResponseStream.CopyToAsync(buffer, cancel);
        buffer.Position = 0;
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = targetKey,
            InputStream = buffer,
            UseChunkEncoding = false,
            ContentType = source.Headers.ContentType,
        }, cancel);
    }

    public Task PutTextAsync(string key, string content, CancellationToken cancel = default) =>
        s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            ContentBody = content,
            ContentType = "text/yaml; charset=utf-8",
            // Chunked (streaming-signature) uploads are not understood by S3 emulators; plain ones work everywhere.
            UseChunkEncoding = false,
        }, cancel);
}
