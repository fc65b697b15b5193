namespace Pipeline.Local.Aws.Lambda;

/// <summary>The errors the Lambda service reports itself when a function's runtime cannot answer.</summary>
internal static class LambdaServiceErrors
{
    public const string Timedout = "Sandbox.Timedout";
    public const string ExitError = "Runtime.ExitError";
    public const string NotPublished = "Runtime.InvalidEntrypoint";
    public const string ResponseTooLarge = "Function.ResponseSizeTooLarge";

    public static byte[] Create(string errorType, string message) => new ErrorDocument(errorType, message).ToJson();

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
