namespace Pipeline.Aws;

/// <summary>An error body of the AWS JSON protocol: <c>__type</c> and a message.</summary>
public sealed record JsonErrorBody(
    [property: JsonPropertyName("__type")] string? Type,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("Message")] string? MessageUpper);

[JsonSerializable(typeof(JsonErrorBody))]
public sealed partial class AwsJsonErrorContext : JsonSerializerContext;

/// <summary>What an AWS JSON service said when it refused a request: its error code and message.</summary>
public sealed record AwsJsonError(string Code, string Message, HttpStatusCode Status)
{
    /// <summary>
    /// The error code from, in order, <c>x-amzn-query-error</c> ("Code;Sender", which query-compatible services
    /// such as CloudWatch send with the classic code), the last part of <c>__type</c>
    /// ("com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist"), or <c>x-amzn-ErrorType</c>. A body that is
    /// not JSON becomes the message.
    /// </summary>
    public static AwsJsonError Read(HttpResponseMessage response, string text)
    {
        ArgumentNullException.ThrowIfNull(response);
        string? code = Header(response, "x-amzn-query-error", ';');
        string? message;
        try
        {
            var error = JsonSerializer.Deserialize(text, AwsJsonErrorContext.Default.JsonErrorBody);
            code ??= error?.Type?.Split('#')[^1];
            message = error?.Message ?? error?.MessageUpper;
        }
        catch (JsonException)
        {
            message = text;
        }

        code ??= Header(response, "x-amzn-ErrorType", ':');
        return new AwsJsonError(code ?? "Unknown", message ?? "(no message)", response.StatusCode);
    }

    private static string? Header(HttpResponseMessage response, string name, char separator) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault()?.Split(separator)[0] : null;
}

/// <summary>An error an AWS JSON service returned, with its error code (e.g. <c>ExecutionDoesNotExist</c>).</summary>
public abstract class AwsJsonException(string service, AwsJsonError error)
    : Exception($"{service} {error.Code} ({(int)error.Status}): {error.Message}")
{
    public string Code { get; } = error.Code;

    public HttpStatusCode Status { get; } = error.Status;
}
