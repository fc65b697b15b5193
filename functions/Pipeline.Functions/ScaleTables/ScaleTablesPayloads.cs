using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Core.Scaling;

namespace Pipeline.Functions.ScaleTables;

/// <summary>What one tick did: how many tables were looked at and how many UpdateTable calls succeeded.</summary>
public sealed record ScaleTablesOutput(int Updates);

/// <summary>The structured log line of one decision.</summary>
public sealed record DecisionLine(
    string Event,
    string Table,
    string? Index,
    long? OldRead,
    long? OldWrite,
    long? NewRead,
    long? NewWrite,
    string Why,
    string Outcome);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(ScaleTablesOutput))]
[JsonSerializable(typeof(DecisionLine))]
public sealed partial class ScaleTablesJson : JsonSerializerContext;

/// <summary>Writes each decision as one JSON line on stdout, which Lambda sends to CloudWatch Logs.</summary>
public sealed class JsonLineScalingLog(TextWriter output) : IScalingLog
{
    public void Write(ScalingRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var known = record.Old != default;
        var line = new DecisionLine(
            "scaling-decision", record.Table, record.Index,
            known ? record.Old.Read : null, known ? record.Old.Write : null,
            record.New?.Read, record.New?.Write, record.Why, record.Outcome);
        output.WriteLine(JsonSerializer.Serialize(line, ScaleTablesJson.Default.DecisionLine));
    }
}
