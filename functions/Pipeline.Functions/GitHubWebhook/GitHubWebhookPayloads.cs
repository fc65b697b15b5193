using System.Text.Json.Serialization;

namespace Pipeline.Functions.GitHubWebhook;

// A Lambda function URL's event and response, payload format version 2.0 (the only one function URLs
// use), limited to the members the receiver reads. Header names arrive in lower case.

public sealed record FunctionUrlRequest(
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("rawPath")] string? RawPath,
    [property: JsonPropertyName("headers")] Dictionary<string, string>? Headers,
    [property: JsonPropertyName("body")] string? Body,
    [property: JsonPropertyName("isBase64Encoded")] bool IsBase64Encoded,
    [property: JsonPropertyName("requestContext")] FunctionUrlRequestContext? RequestContext);

public sealed record FunctionUrlRequestContext(
    [property: JsonPropertyName("requestId")] string? RequestId,
    [property: JsonPropertyName("http")] FunctionUrlHttp? Http);

public sealed record FunctionUrlHttp(
    [property: JsonPropertyName("method")] string? Method,
    [property: JsonPropertyName("sourceIp")] string? SourceIp);

public sealed record FunctionUrlResponse(
    [property: JsonPropertyName("statusCode")] int StatusCode,
    [property: JsonPropertyName("headers")] Dictionary<string, string> Headers,
    [property: JsonPropertyName("body")] string Body);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(FunctionUrlRequest))]
[JsonSerializable(typeof(FunctionUrlResponse))]
public sealed partial class FunctionUrlJson : JsonSerializerContext;
