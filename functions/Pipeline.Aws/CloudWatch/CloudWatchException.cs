using System.Net;

namespace Pipeline.Aws.CloudWatch;

/// <summary>An error CloudWatch returned, with its error code (e.g. <c>InvalidNextToken</c>).</summary>
public sealed class CloudWatchException(string code, string message, HttpStatusCode status)
    : Exception($"CloudWatch {code} ({(int)status}): {message}")
{
    public string Code { get; } = code;

    public HttpStatusCode Status { get; } = status;
}
