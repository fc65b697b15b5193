using System.Text;

namespace Pipeline.Testing.Iam;

/// <summary>The transient failures a dependency shows: what <c>Pipeline.Transient</c> must cover.</summary>
public enum ProxyFault
{
    /// <summary>The connection is torn down without an answer (a reset); <see cref="FaultyEndpoint"/> only.</summary>
    Reset,

    /// <summary>The headers promise a body that stops halfway: "the response ended prematurely"; <see cref="FaultyEndpoint"/> only.</summary>
    PrematureEnd,

    /// <summary>503 Service Unavailable.</summary>
    ServerError,

    /// <summary>The service's own throttling error (DynamoDB ThrottlingException, S3 503 SlowDown, 429 elsewhere).</summary>
    Throttled,

    /// <summary>A permanent refusal, 403 AccessDenied: never retried.</summary>
    AccessDenied,
}

/// <summary>One <see cref="ProxyFault"/> answered as the service behind it would word it.</summary>
internal static class ProxyFaults
{
    public static string Code(ProxyFault fault, string service) => fault switch
    {
        ProxyFault.ServerError => "ServiceUnavailable",
        ProxyFault.Throttled => service switch { "s3" => "SlowDown", "dynamodb" => "ThrottlingException", _ => "TooManyRequestsException" },
        ProxyFault.AccessDenied => "AccessDenied",
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, "not an HTTP answer"),
    };

    /// <summary>Status, reason, content type and body of the error answer.</summary>
    public static (int Status, string Reason, string ContentType, string Body) Answer(ProxyFault fault, string service)
    {
        var code = Code(fault, service);
        var (status, reason) = fault switch
        {
            ProxyFault.ServerError => (503, "Service Unavailable"),
            ProxyFault.Throttled when service == "s3" => (503, "Slow Down"),
            ProxyFault.Throttled when service == "dynamodb" => (400, "Bad Request"),
            ProxyFault.Throttled => (429, "Too Many Requests"),
            _ => (403, "Forbidden"),
        };
        return service == "s3"
            ? (status, reason, "application/xml", $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{reason}</Message></Error>")
            : (status, reason, "application/x-amz-json-1.0", $"{{\"__type\":\"com.amazonaws.dynamodb.v20120810#{code}\",\"message\":\"{reason}\"}}");
    }

    /// <summary>Answers through HttpListener, which can only send whole answers: no reset, no premature end.</summary>
    public static async Task WriteAsync(HttpListenerContext context, ProxyFault fault, string service)
    {
        var (status, _, type, text) = Answer(fault, service);
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = type;
        response.Headers["x-amzn-ErrorType"] = Code(fault, service);
        var body = Encoding.UTF8.GetBytes(text);
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
        response.Close();
    }
}
