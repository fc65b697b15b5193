using System.Net;
using System.Text;
using System.Text.Json;
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

    /// <summary>GETs the pointer unless its ETag still equals <paramref name="etag"/>: an idle poll costs one 304.</summary>
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

    private async Task PutAsync(string key, string body, string contentType, CancellationToken cancellationToken)
    {
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            ContentBody = body,
            ContentType = contentType,
            UseChunkEncoding = false,
        }, cancellationToken);
    }
}
