namespace Pipeline.Aws.CloudWatch;

// The shapes of GetMetricData as CloudWatch's service model defines them, limited to the members
// the scaler uses. Over AWS JSON 1.0 a timestamp is a number of epoch seconds.

public sealed record Dimension(string Name, string Value);

public sealed record Metric(string Namespace, string MetricName, IReadOnlyList<Dimension> Dimensions);

public sealed record MetricStat(Metric Metric, int Period, string Stat);

public sealed record MetricDataQuery(string Id, MetricStat MetricStat, bool? ReturnData = null);

public sealed record GetMetricDataRequest(
    IReadOnlyList<MetricDataQuery> MetricDataQueries,
    [property: JsonConverter(typeof(EpochSecondsConverter))] DateTimeOffset StartTime,
    [property: JsonConverter(typeof(EpochSecondsConverter))] DateTimeOffset EndTime,
    string? NextToken = null,
    string? ScanBy = null);

public sealed record MetricDataResult(
    string Id,
    string? Label,
    [property: JsonConverter(typeof(EpochSecondsListConverter))] IReadOnlyList<DateTimeOffset>? Timestamps,
    IReadOnlyList<double>? Values,
    string? StatusCode);

public sealed record MessageData(string? Code, string? Value);

public sealed record GetMetricDataResponse(
    IReadOnlyList<MetricDataResult>? MetricDataResults,
    string? NextToken,
    IReadOnlyList<MessageData>? Messages);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GetMetricDataRequest))]
[JsonSerializable(typeof(GetMetricDataResponse))]
public sealed partial class CloudWatchJsonContext : JsonSerializerContext;

/// <summary>Epoch seconds (a JSON number, possibly fractional) as the AWS JSON protocols encode timestamps.</summary>
public sealed class EpochSecondsConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(reader.GetDouble() * 1000));

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var milliseconds = value.ToUnixTimeMilliseconds();
        if (milliseconds % 1000 == 0)
        {
            writer.WriteNumberValue(milliseconds / 1000);
        }
        else
        {
            writer.WriteNumberValue(milliseconds / 1000.0);
        }
    }
}

/// <summary>A list of epoch-second timestamps.</summary>
public sealed class EpochSecondsListConverter : JsonConverter<IReadOnlyList<DateTimeOffset>>
{
    private static readonly EpochSecondsConverter One = new();

    public override IReadOnlyList<DateTimeOffset> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Timestamps must be an array of epoch seconds");
        }

        var list = new List<DateTimeOffset>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            list.Add(One.Read(ref reader, typeof(DateTimeOffset), options));
        }

        return list;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<DateTimeOffset> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartArray();
        foreach (var item in value)
        {
            One.Write(writer, item, options);
        }

        writer.WriteEndArray();
    }
}
