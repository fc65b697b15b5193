using Amazon.S3;
using Amazon.S3.Model;
using Pipeline.Core.Deploy;

namespace Pipeline.Aws.Deploy;

/// <summary>
/// Reads the reports router agents write to <c>routes/status/&lt;node&gt;.json</c> in the routes
/// bucket. A report that cannot be parsed is returned with its problem rather than skipped, so a
/// broken router keeps the deploy waiting and is named, instead of silently not counting.
/// </summary>
public sealed class S3RouterStatusSource(IAmazonS3 s3, string bucket) : IRouterStatusSource
{
    public const string Prefix = "routes/status/";

    public async Task<IReadOnlyList<RouterReport>> ListAsync(CancellationToken cancel = default)
    {
        var reports = new List<RouterReport>();
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = bucket,
                Prefix = Prefix,
                ContinuationToken = token,
            }, cancel);
            foreach (var entry in page.S3Objects ?? [])
            {
                if (entry.Key.EndsWith(".json", StringComparison.Ordinal))
                {
                    // LastModified is the store's clock: a router with a wrong clock can neither
                    // keep itself alive nor age out early.
                    var stored = entry.LastModified is { } at ? new DateTimeOffset(at.ToUniversalTime(), TimeSpan.Zero) : (DateTimeOffset?)null;
                    reports.Add(await ReadAsync(entry.Key, cancel) with { Stored = stored });
                }
            }

            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        return reports;
    }

    /// <summary>
    /// A read that fails in transit (a dropped connection, a 5xx) is tried again; one that keeps
    /// failing is a report with a problem (the deploy waits and names it), never an error that
    /// fails the whole check. A read that meets the router's rewrite sees one whole report: an S3
    /// PUT replaces the object atomically (locally too, see local/emulators/s3rver.js).
    /// </summary>
    private async Task<RouterReport> ReadAsync(string key, CancellationToken cancel)
    {
        var node = key[Prefix.Length..^".json".Length];
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await s3.GetObjectAsync(bucket, key, cancel);
                using var reader = new StreamReader(response.ResponseStream);
                var text = await reader.ReadToEndAsync(cancel);
                return RouterReportJson.Parse(node, text);
            }
            catch (Exception e) when (e is IOException or HttpRequestException or AmazonS3Exception && !cancel.IsCancellationRequested)
            {
                if (attempt == 3)
                {
                    return new RouterReport(node, null, null, null, null, "status could not be read: " + e.Message);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancel);
        }
    }
}

/// <summary>The agent's status document: camelCase node, appliedVersion, rejectedVersion, lastError, time, pollIntervalMs.</summary>
public static class RouterReportJson
{
    public static RouterReport Parse(string node, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Unreadable(node, $"status is a JSON {root.ValueKind}, not an object");
            }

            return new RouterReport(
                String(root, "node") ?? node,
                Number(root, "appliedVersion"),
                Number(root, "rejectedVersion"),
                String(root, "lastError"),
                root.TryGetProperty("time", out var time) && time.ValueKind == JsonValueKind.String
                    && time.TryGetDateTimeOffset(out var at) ? at : null,
                PollInterval: Number(root, "pollIntervalMs") is long ms and > 0 ? TimeSpan.FromMilliseconds(ms) : null);
        }
        catch (JsonException e)
        {
            return Unreadable(node, "status is not valid JSON: " + e.Message);
        }
        catch (InvalidOperationException e)
        {
            return Unreadable(node, "status has a field of the wrong type: " + e.Message);
        }
        catch (FormatException e)
        {
            return Unreadable(node, "status has a field of the wrong type: " + e.Message);
        }
    }

    private static RouterReport Unreadable(string node, string problem) => new(node, null, null, null, null, problem);

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetInt64() : null;
}
