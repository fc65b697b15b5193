using System.Net;
using System.Net.Http.Headers;

namespace Pipeline.States.Integrations;

/// <summary>
/// Runs <c>arn:aws:states:::lambda:invoke</c> and plain Lambda function ARNs through the Lambda Invoke API
/// (<c>POST /2015-03-31/functions/{name}/invocations</c>) of the service at the client's base address.
/// A response with X-Amz-Function-Error fails the task with the function's errorType as the error name.
/// </summary>
public sealed class LambdaInvokeIntegration(HttpClient http) : ITaskIntegration
{
    public const string OptimizedResource = "arn:aws:states:::lambda:invoke";
    public const string FunctionArnPattern = "arn:aws:lambda:*:*:function:**";

    public async Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var optimized = !TaskResources.IsLambdaFunctionArn(invocation.Resource);
        string functionRef;
        JsonNode? payload;
        string? qualifier = null;
        if (optimized)
        {
            if (invocation.Input is not JsonObject parameters || !JsonValues.TryGetString(parameters["FunctionName"], out functionRef))
            {
                throw new StatesException(StatesErrors.Runtime,
                    "lambda:invoke needs Parameters with a string 'FunctionName' (and usually a 'Payload')");
            }
            payload = parameters["Payload"];
            if (JsonValues.TryGetString(parameters["Qualifier"], out var q))
            {
                qualifier = q;
            }
        }
        else
        {
            functionRef = invocation.Resource;
            payload = invocation.Input;
        }
        var (name, arnQualifier) = FunctionName(functionRef);
        qualifier ??= arnQualifier;
        var uri = $"2015-03-31/functions/{Uri.EscapeDataString(name)}/invocations" + (qualifier is null ? "" : $"?Qualifier={Uri.EscapeDataString(qualifier)}");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(JsonValues.Serialize(payload), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Amz-Invocation-Type", "RequestResponse");
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new StatesException("Lambda.SdkClientException", $"Unable to reach the Lambda service: {e.Message}");
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw ServiceError(response.StatusCode, response.Headers, body);
            }
            if (response.Headers.TryGetValues("X-Amz-Function-Error", out _))
            {
                throw FunctionError(body);
            }
            var result = ParseBody(body);
            if (!optimized)
            {
                return result;
            }
            var executedVersion = response.Headers.TryGetValues("X-Amz-Executed-Version", out var v) ? v.First() : "$LATEST";
            var requestId = response.Headers.TryGetValues("X-Amzn-RequestId", out var r) ? r.First() : Guid.NewGuid().ToString();
            return new JsonObject
            {
                ["ExecutedVersion"] = executedVersion,
                ["Payload"] = result,
                ["SdkHttpMetadata"] = new JsonObject
                {
                    ["AllHttpHeaders"] = Headers(response.Headers, response.Content.Headers),
                    ["HttpHeaders"] = FlatHeaders(response.Headers, response.Content.Headers),
                    ["HttpStatusCode"] = (int)response.StatusCode,
                },
                ["SdkResponseMetadata"] = new JsonObject { ["RequestId"] = requestId },
                ["StatusCode"] = (int)response.StatusCode,
            };
        }
    }

    /// <summary>Accepts a name, a partial ARN (ACCOUNT:function:NAME) or a full function ARN, with an optional qualifier.</summary>
    public static (string Name, string? Qualifier) FunctionName(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var parts = reference.Split(':');
        var at = Array.IndexOf(parts, "function");
        if (at < 0 || at + 1 >= parts.Length)
        {
            return parts.Length == 2 ? (parts[0], parts[1]) : (reference, null);
        }
        return (parts[at + 1], at + 2 < parts.Length ? parts[at + 2] : null);
    }

    private static JsonNode? ParseBody(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }
        try
        {
            return JsonValues.Parse(body);
        }
        catch (JsonException)
        {
            return JsonValue.Create(body);
        }
    }

    private static StatesException FunctionError(string body)
    {
        var parsed = ParseBody(body) as JsonObject;
        var errorType = parsed?["errorType"] is { } t && JsonValues.TryGetString(t, out var s) && s.Length > 0 ? s : "Lambda.Unknown";
        return new StatesException(errorType, body);
    }

    private static StatesException ServiceError(HttpStatusCode status, HttpResponseHeaders headers, string body)
    {
        var type = headers.TryGetValues("X-Amzn-ErrorType", out var values) ? values.First().Split(':')[0] : null;
        if (type is null && ParseBody(body) is JsonObject o)
        {
            type = (o["__type"] ?? o["Type"])?.ToString()?.Split('#').Last();
        }
        type ??= status switch
        {
            HttpStatusCode.NotFound => "ResourceNotFoundException",
            HttpStatusCode.TooManyRequests => "TooManyRequestsException",
            _ when (int)status >= 500 => "ServiceException",
            _ => "InvalidRequestContentException",
        };
        return new StatesException("Lambda." + type, $"{body} (Service: Lambda, Status Code: {(int)status})");
    }

    private static JsonObject Headers(HttpResponseHeaders headers, HttpContentHeaders content)
    {
        var o = new JsonObject();
        foreach (var (key, values) in headers.Concat(content))
        {
            o[key] = new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        }
        return o;
    }

    private static JsonObject FlatHeaders(HttpResponseHeaders headers, HttpContentHeaders content)
    {
        var o = new JsonObject();
        foreach (var (key, values) in headers.Concat(content))
        {
            o[key] = string.Join(",", values);
        }
        return o;
    }
}
