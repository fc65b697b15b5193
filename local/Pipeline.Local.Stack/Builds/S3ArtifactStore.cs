using Amazon.S3;
using Amazon.S3.Model;

namespace Pipeline.Local.Stack.Builds;

/// <summary>Uploads build outputs with the AWS SDK, to S3 or s3rver (which needs unchunked uploads).</summary>
public sealed class S3ArtifactStore(IAmazonS3 s3) : IArtifactStore
{
    public async Task PutFileAsync(string bucket, string key, string filePath, string contentType, CancellationToken cancellationToken)
    {
        await s3.PutObjectAsync(
            new PutObjectRequest
            {
                BucketName = bucket,
                Key = key,
                FilePath = filePath,
                ContentType = contentType,
                UseChunkEncoding = false,
            },
            cancellationToken);
    }
}
