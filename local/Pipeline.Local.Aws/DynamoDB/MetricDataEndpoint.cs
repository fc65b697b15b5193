using Pipeline.Aws;
using Pipeline.Aws.CloudWatch;

namespace Pipeline.Local.Aws.DynamoDB;

/// <summary>
/// CloudWatch GetMetricData over AWS JSON 1.0, answered from the <see cref="UsageMeter"/>: namespace
/// <c>AWS/DynamoDB</c>, the four capacity metrics, statistic <c>Sum</c>, dimensions <c>TableName</c>
/// and optionally <c>GlobalSecondaryIndexName</c>, any period that is a multiple of 60 seconds.
/// </summary>
internal sealed class MetricDataEndpoint(UsageMeter meter)
{
    public (int Status, string Body, string? QueryError) Handle(string body)
    {
        GetMetricDataRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(body, CloudWatchJsonContext.Default.GetMetricDataRequest);
        }
        catch (JsonException e)
        {
            return Invalid($"The request body is not a GetMetricData request: {e.Message}");
        }

        if (request?.MetricDataQueries is not { Count: > 0 } queries)
        {
            return Invalid("MetricDataQueries must hold at least one query.");
        }

        var results = new List<MetricDataResult>();
        foreach (var query in queries)
        {
            var stat = query.MetricStat;
            var metric = stat?.Metric;
            if (metric is null || metric.Namespace != "AWS/DynamoDB" || !DynamoDbMetrics.IsKnown(metric.MetricName))
            {
                return Invalid($"Query {query.Id}: only the AWS/DynamoDB capacity and throttle metrics are metered locally.");
            }

            if (stat!.Stat != "Sum" || stat.Period < 60 || stat.Period % 60 != 0)
            {
                return Invalid($"Query {query.Id}: only Stat Sum with a Period that is a multiple of 60 is supported locally.");
            }

            var table = metric.Dimensions?.FirstOrDefault(d => d.Name == "TableName")?.Value;
            if (table is null)
            {
                return Invalid($"Query {query.Id}: the TableName dimension is required.");
            }

            var index = metric.Dimensions!.FirstOrDefault(d => d.Name == "GlobalSecondaryIndexName")?.Value;
            var points = meter.Query(table, index, metric.MetricName, request.StartTime, request.EndTime, stat.Period);
            if (request.ScanBy != "TimestampAscending")
            {
                points = points.Reverse().ToArray();
            }

            results.Add(new MetricDataResult(query.Id, metric.MetricName, points.Select(p => p.Time).ToArray(), points.Select(p => p.Sum).ToArray(), "Complete"));
        }

        var response = new GetMetricDataResponse(results, null, []);
        return (200, JsonSerializer.Serialize(response, CloudWatchJsonContext.Default.GetMetricDataResponse), null);
    }

    private static (int, string, string?) Invalid(string message) => (
        400,
        JsonSerializer.Serialize(new JsonErrorBody("com.amazonaws.monitoring#InvalidParameterValue", message, null), AwsJsonErrorContext.Default.JsonErrorBody),
        "InvalidParameterValue;Sender");
}
