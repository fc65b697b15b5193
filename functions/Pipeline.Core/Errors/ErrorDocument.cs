namespace Pipeline.Core.Errors;

/// <summary>
/// The error document Lambda defines, <c>{"errorMessage","errorType","stackTrace"}</c>: what a function's
/// runtime posts to /error and /init/error, and what the Lambda service answers itself when the runtime
/// cannot (a timeout, a process that exited). <see cref="ErrorType"/> is the name a state machine's Retry
/// and Catch match. The stack trace is left out where there is none, as Lambda's own errors do.
/// </summary>
public sealed record ErrorDocument(string ErrorType, string ErrorMessage, IReadOnlyList<string>? StackTrace = null)
{
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("errorMessage", ErrorMessage);
            writer.WriteString("errorType", ErrorType);
            if (StackTrace is not null)
            {
                writer.WriteStartArray("stackTrace");
                foreach (var line in StackTrace)
                {
                    writer.WriteStringValue(line);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
