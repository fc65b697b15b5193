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
/// <param name="endpoint"><see cref="Service"/> at the public endpoint or, locally, the metering proxy.</param>
public sealed class CloudWatchClient(AwsJsonRequests endpoint)
{
    public const string TargetPrefix = "GraniteServiceVersion20100801";
    public const string ContentType = AwsJsonRequests.ContentType;

    public static readonly AwsJsonService Service = new("monitoring", TargetPrefix);

    /// <summary>GetMetricData, following NextToken until every page is read.</summary>
    public async Task<IReadOnlyList<MetricDataResult>> GetMetricDataAsync(GetMetricDataRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var merged = new Dictionary<string, (MetricDataResult First, List<DateTimeOffset> Times, List<double> Values)>();
        var order = new List<string>();
        var page = request;
        while (true)
        {
            var response = await endpoint.CallAsync("GetMetricData", page, CloudWatchJsonContext.Default.GetMetricDataRequest,
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
