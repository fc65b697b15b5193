namespace Pipeline.Local.Aws.Lambda;

/// <summary>
/// What Lambda's Invoke API returns: the response document, or (with <see cref="FunctionError"/>
/// set to <c>Unhandled</c>) the error document <c>{"errorMessage","errorType","stackTrace"}</c>.
/// </summary>
public sealed record InvokeResult(string RequestId, byte[] Payload, string? FunctionError)
{
    public const string Unhandled = "Unhandled";

    public bool IsError => FunctionError is not null;

    /// <summary>The error's errorType, the name a state machine's Retry and Catch match.</summary>
    public string? ErrorType => IsError ? ErrorField("errorType") : null;

    public string? ErrorMessage => IsError ? ErrorField("errorMessage") : null;

    private string? ErrorField(string name)
    {
        try
        {
            using var doc = JsonDocument.Parse(Payload);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                   && doc.RootElement.TryGetProperty(name, out var value)
                   && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>No function of that name is registered: Lambda's ResourceNotFoundException.</summary>
public sealed class FunctionNotFoundException(string name)
    : Exception($"Function not found: {name}")
{
    public const string ErrorType = "ResourceNotFoundException";

    public string FunctionName { get; } = name;
}
