using Amazon.S3;
using Amazon.S3.Model;
using Pipeline.Core.Routing;

namespace Pipeline.Aws.Routing;

/// <summary>
/// Configs, pointer and router status in one S3 bucket. Uploads are unchunked and checksums only
/// computed when required, which both S3 and s3rver accept.
/// </summary>
public sealed class S3RoutesStore(IAmazonS3 s3, string bucket) : IRoutesStore, IRoutesFeed
{
    public Task PutConfigAsync(string key, string text, CancellationToken cancellationToken) =>
        PutAsync(key, text, "text/plain; charset=utf-8", cancellationToken);

    public async Task<RoutesPointer?> GetPointerAsync(CancellationToken cancellationToken) =>
        (await PollPointerAsync(null, cancellationToken)).Current;

    public Task PutPointerAsync(RoutesPointer current, CancellationToken cancellationToken) =>
        PutAsync(RoutesKeys.CurrentPointer, JsonSerializer.Serialize(current, RoutingJsonContext.Default.RoutesPointer), "application/json", cancellationToken);

    /// <summary>
    /// GETs the pointer unless its ETag still equals <paramref name="etag"/>: an idle poll costs one 304.
    /// A missing pointer (nothing published yet) is 404 NoSuchKey, but only to a caller allowed
    /// s3:ListBucket; to any other S3 answers 403 AccessDenied, the same as for a denied read of an
    /// existing pointer. So a 403 counts as "no pointer" only when a listing of that very key
    /// succeeds and shows it absent; otherwise it is an error naming the permission to grant, never
    /// a silent "nothing published" that would keep a router on its boot config forever.
    /// </summary>
    public async Task<PointerPoll> PollPointerAsync(string? etag, CancellationToken cancellationToken)
    {
        var request = new GetObjectRequest { BucketName = bucket, Key = RoutesKeys.CurrentPointer };
        if (etag is not null)
        {
            request.EtagToNotMatch = etag;
        }

        try
        {
            using var response = await s3.GetObjectAsync(request, cancellationToken);
            var pointer = await JsonSerializer.DeserializeAsync(response.ResponseStream, RoutingJsonContext.Default.RoutesPointer, cancellationToken);
            return new PointerPoll(true, pointer, response.ETag);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotModified)
        {
            return new PointerPoll(false, null, etag);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return new PointerPoll(etag is not null, null, null);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Forbidden)
        {
            await ThrowUnlessPointerMissingAsync(e, cancellationToken);
            return new PointerPoll(etag is not null, null, null);
        }
    }

    private async Task ThrowUnlessPointerMissingAsync(AmazonS3Exception denied, CancellationToken cancellationToken)
    {
        ListObjectsV2Response listing;
        try
        {
            listing = await s3.ListObjectsV2Async(
                new ListObjectsV2Request { BucketName = bucket, Prefix = RoutesKeys.CurrentPointer, MaxKeys = 1 }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new UnauthorizedAccessException(
                $"s3://{bucket}/{RoutesKeys.CurrentPointer}: GetObject answered 403 and ListBucket is denied too, so a missing " +
                "pointer cannot be told from a denied read; grant s3:ListBucket on the bucket (prefix routes/) and " +
                "s3:GetObject on routes/haproxy/*", denied);
        }

        if ((listing.S3Objects ?? []).Any(o => o.Key == RoutesKeys.CurrentPointer))
        {
            throw new UnauthorizedAccessException(
                $"s3://{bucket}/{RoutesKeys.CurrentPointer} exists but GetObject is denied; grant s3:GetObject on routes/haproxy/*", denied);
        }
    }

    public Task<byte[]> GetConfigAsync(string key, CancellationToken cancellationToken) =>
        GetConfigAsync(key, RenderedConfig.MaxBytes, cancellationToken);

    /// <summary>Reads at most <paramref name="maxBytes"/>: a declared length above it is refused unread, and the body is counted too.</summary>
    public async Task<byte[]> GetConfigAsync(string key, long maxBytes, CancellationToken cancellationToken)
    {
        using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken);
        if (response.ContentLength > maxBytes)
        {
            throw new InvalidDataException($"{key} is {response.ContentLength} bytes; routers accept at most {maxBytes}");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await response.ResponseStream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new InvalidDataException($"{key} is more than {maxBytes} bytes; routers accept at most {maxBytes}");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    public Task PutStatusAsync(RouterStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        return PutAsync(RoutesKeys.Status(status.Node), JsonSerializer.Serialize(status, RoutingJsonContext.Default.RouterStatus), "application/json", cancellationToken);
    }

    public async Task<RouterStatus?> GetStatusAsync(string node, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = RoutesKeys.Status(node) }, cancellationToken);
            return await JsonSerializer.DeserializeAsync(response.ResponseStream, RoutingJsonContext.Default.RouterStatus, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private Task PutAsync(string key, string body, string contentType, CancellationToken cancellationToken) =>
        s3.PutTextAsync(bucket, key, body, contentType, cancellationToken);
}
