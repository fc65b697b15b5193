using Amazon.S3;
using Amazon.S3.Model;

namespace Pipeline.Local.Aws.CodeBuild;

/// <summary>Uploads build outputs with the AWS SDK, to S3 or s3rver (which needs unchunked uploads).</summary>
public sealed class S3ArtifactBucket(IAmazonS3 s3) : IArtifactBucket
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

    public async Task GetFileAsync(string bucket, string key, string filePath, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await s3.GetObjectAsync(bucket, key, cancellationToken);
            await using var output = File.Create(filePath);
            await response.ResponseStream.CopyToAsync(output, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new FileNotFoundException($"no object s3://{bucket}/{key}", key, e);
        }
    }
}
