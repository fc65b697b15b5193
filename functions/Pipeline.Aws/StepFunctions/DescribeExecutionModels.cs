namespace Pipeline.Aws.StepFunctions;

// The shapes of DescribeExecution and StartExecution as the Step Functions API reference defines them,
// limited to the members the deploy lock and the webhook receiver use. Over AWS JSON 1.0 a timestamp is a number of epoch seconds.

public sealed record DescribeExecutionRequest([property: JsonPropertyName("executionArn")] string ExecutionArn);

public sealed record DescribeExecutionResponse(
    [property: JsonPropertyName("executionArn")] string ExecutionArn,
    [property: JsonPropertyName("stateMachineArn")] string? StateMachineArn,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("startDate"), JsonConverter(typeof(EpochSecondsConverter))] DateTimeOffset StartDate,
    [property: JsonPropertyName("stopDate"), JsonConverter(typeof(NullableEpochSecondsConverter))] DateTimeOffset? StopDate,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("cause")] string? Cause);

public sealed record StartExecutionRequest(
    [property: JsonPropertyName("stateMachineArn")] string StateMachineArn,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("input")] string Input);

public sealed record StartExecutionResponse(
    [property: JsonPropertyName("executionArn")] string ExecutionArn,
    [property: JsonPropertyName("startDate"), JsonConverter(typeof(EpochSecondsConverter))] DateTimeOffset StartDate);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StartExecutionRequest))]
[JsonSerializable(typeof(StartExecutionResponse))]
[JsonSerializable(typeof(DescribeExecutionRequest))]
[JsonSerializable(typeof(DescribeExecutionResponse))]
public sealed partial class StepFunctionsJsonContext : JsonSerializerContext;

/// <summary>An optional epoch-seconds timestamp (absent while the execution runs).</summary>
public sealed class NullableEpochSecondsConverter : JsonConverter<DateTimeOffset?>
{
    private static readonly EpochSecondsConverter One = new();

    public override bool HandleNull => true;

    public override DateTimeOffset? Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) =>
        reader.TokenType == System.Text.Json.JsonTokenType.Null ? null : One.Read(ref reader, typeof(DateTimeOffset), options);

    public override void Write(System.Text.Json.Utf8JsonWriter writer, DateTimeOffset? value, System.Text.Json.JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is { } time)
        {
            One.Write(writer, time, options);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
