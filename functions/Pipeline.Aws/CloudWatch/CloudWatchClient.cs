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
public sealed class CloudWatchClient(
    HttpClient http,
    Uri endpoint,
    string region,
    Func<CancellationToken, Task<ImmutableCredentials>> credentials,
    TimeProvider? clock = null)
{
    public const string TargetPrefix = "GraniteServiceVersion20100801";
    public const string ContentType = AwsJsonRequests.ContentType;
    private const string Service = "monitoring";

    private readonly AwsJsonRequests _endpoint = new(http, endpoint, region, Service, TargetPrefix, credentials, clock);

    /// <summary>
    /// The client for a region, with the SDK's default credential chain (environment, profile,
    /// container or instance role). <paramref name="endpoint"/> overrides
    /// <c>https://monitoring.{region}.amazonaws.com/</c>, e.g. for the local metering proxy.
    /// </summary>
    public static CloudWatchClient Create(HttpClient http, string region, Uri? endpoint = null) =>
        new(http, endpoint ?? AwsJsonRequests.DefaultEndpoint(Service, region), region, AwsJsonRequests.DefaultCredentials());

    /// <summary>GetMetricData, following NextToken until every page is read.</summary>
    public async Task<IReadOnlyList<MetricDataResult>> GetMetricDataAsync(GetMetricDataRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var merged = new Dictionary<string, (MetricDataResult First, List<DateTimeOffset> Times, List<double> Values)>();
        var order = new List<string>();
        var page = request;
        while (true)
        {
            var response = await _endpoint.CallAsync("GetMetricData", page, CloudWatchJsonContext.Default.GetMetricDataRequest,
                CloudWatchJsonContext.Default.GetMetricDataResponse, error => new CloudWatchException(error), cancellationToken);
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
}
