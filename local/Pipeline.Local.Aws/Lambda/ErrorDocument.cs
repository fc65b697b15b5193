using System.Text.Json;

namespace Pipeline.Local.Aws.Lambda;

/// <summary>The error documents Lambda itself produces when the runtime cannot answer.</summary>
internal static class ErrorDocument
{
    public const string Timedout = "Sandbox.Timedout";
    public const string ExitError = "Runtime.ExitError";
    public const string NotPublished = "Runtime.InvalidEntrypoint";
    public const string ResponseTooLarge = "Function.ResponseSizeTooLarge";

    public static byte[] Create(string errorType, string message)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("errorMessage", message);
            writer.WriteString("errorType", errorType);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Keeps a runtime's error body as it posted it, as long as it is a JSON document.</summary>
    public static byte[] FromRuntime(byte[] body, string? errorTypeHeader)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return body;
        }
        catch (JsonException)
        {
            return Create(string.IsNullOrEmpty(errorTypeHeader) ? "Runtime.Unknown" : errorTypeHeader,
                System.Text.Encoding.UTF8.GetString(body));
        }
    }
}
