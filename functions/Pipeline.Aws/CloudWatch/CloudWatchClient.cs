using System.Text;
using System.Text.Json;
using Amazon.Runtime;

namespace Pipeline.Aws.CloudWatch;

/// <summary>
/// A small CloudWatch client (AWSSDK.CloudWatch is not available here) for GetMetricData only.
/// It speaks AWS JSON 1.0 as CloudWatch's current service model declares it (awsJson1_0 with
/// target prefix <c>GraniteServiceVersion20100801</c>, query-compatible errors): POST / with
/// <c>X-Amz-Target</c> and <c>Content-Type: application/x-amz-json-1.0</c>, timestamps as epoch
/// seconds. (The older API reference page describes the same JSON body under
/// <c>Content-Type: application/json</c> with <c>Content-Encoding: amz-1.0</c>; the SDKs send the
/// former.) Requests are signed with AWSSDK.Core's SigV4 signer for the service name
/// <c>monitoring</c>.
/// </summary>
public sealed class CloudWatchClient
{
    public const string TargetPrefix = "GraniteServiceVersion20100801";
    public const string ContentType = AwsJsonRequests.ContentType;
    private const string Service = "monitoring";

    private readonly AwsJsonRequests _endpoint;

    public CloudWatchClient(
        HttpClient http,
        Uri endpoint,
        string region,
        Func<CancellationToken, Task<ImmutableCredentials>> credentials,
        TimeProvider? clock = null)
    {
        _endpoint = new AwsJsonRequests(http, endpoint, region, Service, TargetPrefix, credentials, clock);
    }

    /// <summary>
    /// The client for a region, with the SDK's default credential chain (environment, profile,
    /// container or instance role). <paramref name="endpoint"/> overrides
    /// <c>https://monitoring.{region}.amazonaws.com/</c>, e.g. for the local metering proxy.
    /// </summary>
    public static CloudWatchClient Create(HttpClient http, string region, Uri? endpoint = null)
    {
        return new CloudWatchClient(
            http, endpoint ?? new Uri($"https://monitoring.{region}.amazonaws.com/"), region, AwsJsonRequests.DefaultCredentials());
    }

    /// <summary>GetMetricData, following NextToken until every page is read.</summary>
    public async Task<IReadOnlyList<MetricDataResult>> GetMetricDataAsync(GetMetricDataRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var merged = new Dictionary<string, (MetricDataResult First, List<DateTimeOffset> Times, List<double> Values)>();
        var order = new List<string>();
        var page = request;
        while (true)
        {
            var response = await SendAsync(page, cancellationToken);
            foreach (var result in response.MetricDataResults ?? [])
            {
                if (!merged.TryGetValue(result.Id, out var entry))
                {
                    entry = (result, [], []);
                    merged[result.Id] = entry;
                    order.Add(result.Id);
                }

                entry.Times.AddRange(result.Timestamps ?? []);
                entry.Values.AddRange(result.Values ?? []);
            }

            if (string.IsNullOrEmpty(response.NextToken))
            {
                break;
            }

            page = request with { NextToken = response.NextToken };
        }

        return order.Select(id => merged[id].First with { Timestamps = merged[id].Times, Values = merged[id].Values }).ToArray();
    }

    private async Task<GetMetricDataResponse> SendAsync(GetMetricDataRequest request, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, CloudWatchJsonContext.Default.GetMetricDataRequest);
        var (response, text) = await _endpoint.PostAsync("GetMetricData", body, cancellationToken);
        using var owned = response;
        if (!response.IsSuccessStatusCode)
        {
            throw Error(response, text);
        }

        return JsonSerializer.Deserialize(text, CloudWatchJsonContext.Default.GetMetricDataResponse)
            ?? throw new CloudWatchException("EmptyResponse", "GetMetricData returned no body", response.StatusCode);
    }

    private static CloudWatchException Error(HttpResponseMessage response, string text)
    {
        // Query-compatible services name the classic error code in x-amzn-query-error ("Code;Sender").
        string? code = null;
        if (response.Headers.TryGetValues("x-amzn-query-error", out var values))
        {
            code = values.FirstOrDefault()?.Split(';')[0];
        }

        string? message = null;
        try
        {
            var error = JsonSerializer.Deserialize(text, CloudWatchJsonContext.Default.JsonErrorBody);
            code ??= error?.Type?.Split('#')[^1];
            message = error?.Message ?? error?.MessageUpper;
        }
        catch (JsonException)
        {
            message = text;
        }

        return new CloudWatchException(code ?? "Unknown", message ?? "(no message)", response.StatusCode);
    }
}
