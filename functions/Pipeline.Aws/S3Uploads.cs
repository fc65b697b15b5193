using Amazon.S3;
using Amazon.S3.Model;

namespace Pipeline.Aws;

/// <summary>How every adapter writes an object, to S3 or an S3 emulator.</summary>
public static class S3Uploads
{
    /// <summary>
    /// A PutObject request without chunked (streaming-signature) encoding, which S3 emulators do not understand
    /// (they store the framing verbatim); plain uploads work everywhere. The caller sets the body.
    /// </summary>
    public static PutObjectRequest Unchunked(string bucket, string key, string contentType) => new()
    {
        BucketName = bucket,
        Key = key,
        ContentType = contentType,
        UseChunkEncoding = false,
    };

    public static Task PutTextAsync(this IAmazonS3 s3, string bucket, string key, string body, string contentType, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(s3);
        var request = Unchunked(bucket, key, contentType);
        request.ContentBody = body;
        return s3.PutObjectAsync(request, cancel);
    }
}
