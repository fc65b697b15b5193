using Pipeline.States.Service;

namespace Pipeline.Local.Aws.StepFunctions;

/// <summary>
/// Reads the members of one AWS JSON 1.0 request with the types and constraints of the Step Functions
/// API model (botocore's stepfunctions service-2.json), and refuses the rest as the service does: a
/// value of the wrong JSON type is a <c>SerializationException</c>, a value outside its constraint a
/// <c>ValidationException</c>, both HTTP 400. JSON null reads as absent, as the SDKs send it.
/// </summary>
internal sealed class ApiRequest(JsonObject body)
{
    public const int ArnMax = 256;
    public const int PageTokenMax = 1024;

    public string Required(string field, int max = ArnMax) =>
        Optional(field, max) ?? throw Validation($"Value null at '{field}' failed to satisfy constraint: Member must not be null");

    /// <summary>A string member of 1 to <paramref name="max"/> characters (UTF-8 bytes where <paramref name="utf8Bytes"/>).</summary>
    public string? Optional(string field, int max, int min = 1, bool utf8Bytes = false)
    {
        if (Value(field, "a String") is not { } value)
        {
            return null;
        }

        if (value.GetValueKind() != JsonValueKind.String)
        {
            throw Serialization(value, "a String", field);
        }

        var text = value.GetValue<string>();
        var length = utf8Bytes ? Encoding.UTF8.GetByteCount(text) : text.Length;
        return length < min ? throw Validation($"Value at '{field}' failed to satisfy constraint: Member must have length greater than or equal to {min}")
            : length > max ? throw Validation($"Value at '{field}' failed to satisfy constraint: Member must have length less than or equal to {max}")
            : text;
    }

    public int? Integer(string field, int min, int max)
    {
        if (Value(field, "an Integer") is not { } value)
        {
            return null;
        }

        if (value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue<int>(out var number))
        {
            throw Serialization(value, "an Integer", field);
        }

        return number < min ? throw Validation($"Value '{number}' at '{field}' failed to satisfy constraint: Member must have value greater than or equal to {min}")
            : number > max ? throw Validation($"Value '{number}' at '{field}' failed to satisfy constraint: Member must have value less than or equal to {max}")
            : number;
    }

    public bool? Boolean(string field)
    {
        if (Value(field, "a Boolean") is not { } value)
        {
            return null;
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Serialization(value, "a Boolean", field),
        };
    }

    public string? Enum(string field, params string[] allowed)
    {
        var value = Optional(field, max: int.MaxValue);
        return value is null || allowed.Contains(value, StringComparer.Ordinal) ? value
            : throw Validation($"Value '{value}' at '{field}' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", allowed)}]");
    }

    private JsonValue? Value(string field, string expected) => body[field] switch
    {
        null => null,
        JsonValue value => value,
        JsonObject => throw new StepFunctionsException("SerializationException",
            $"Start of structure or map found where not expected: '{field}' must be {expected}"),
        _ => throw new StepFunctionsException("SerializationException",
            $"Start of list found where not expected: '{field}' must be {expected}"),
    };

    private static StepFunctionsException Serialization(JsonValue value, string expected, string field)
    {
        var token = value.GetValueKind() switch
        {
            JsonValueKind.String => "STRING_VALUE",
            JsonValueKind.Number => "NUMBER_VALUE",
            _ => "BOOLEAN_VALUE",
        };
        var json = value.ToJsonString();
        var shown = json.Length > 100 ? json[..100] + "..." : json;
        return new StepFunctionsException("SerializationException", $"{token} can not be converted to {expected}: '{field}' is {shown}");
    }

    private static StepFunctionsException Validation(string detail) =>
        new("ValidationException", string.Create(CultureInfo.InvariantCulture, $"1 validation error detected: {detail}"));
}
