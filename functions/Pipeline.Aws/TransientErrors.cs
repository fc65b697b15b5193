using System.Net.Sockets;
using Amazon.Runtime;

namespace Pipeline.Aws;

/// <summary>
/// Which failures of the adapters' dependencies (DynamoDB, S3, the signed JSON clients, the local
/// fleet) are worth another attempt. Each function passes <see cref="Classify"/> to the runtime
/// loop, so such a failure reaches the state machine as <c>Pipeline.Transient</c>, which every
/// Lambda Task retries with backoff. The SDK has already retried within its own budget by then:
/// this is the state machine's longer, slower retry on top.
/// </summary>
public static class TransientErrors
{
    // The codes AWS services use for "slow down" and "try again", across DynamoDB, S3, EC2 and the JSON services.
    private static readonly HashSet<string> RetryableCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "RequestLimitExceeded", "SlowDown",
        "LimitExceededException", "TransactionInProgressException", "PriorRequestNotComplete", "EC2ThrottledException",
        "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure", "InternalServerError",
        "ServiceUnavailable", "ServiceUnavailableException",
    };

    /// <summary>The exception to report: a <see cref="TransientException"/> wrapping a transient one, else <paramref name="error"/> itself.</summary>
    public static Exception Classify(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return IsTransient(error)
            ? new TransientException($"{error.GetType().Name}: {error.Message}", error)
            : error;
    }

    /// <summary>
    /// True for I/O that broke off (reset, refused, cut short), timeouts, 5xx, 429 and throttling codes, found on the
    /// exception or anything it wraps. A typed pipeline error is the adapter's own verdict and is never second-guessed.
    /// </summary>
    public static bool IsTransient(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case TransientException:
                    return true;
                case PipelineException:
                    return false;
                case AmazonServiceException service when IsRetryable(service.StatusCode, service.ErrorCode):
                    return true;
                case AwsJsonException json when IsRetryable(json.Status, json.Code):
                    return true;
                case HttpRequestException http when http.StatusCode is null || IsRetryable(http.StatusCode.Value, null):
                    return true;
                case IOException or SocketException or TimeoutException:
                    return true;
            }
        }

        return false;
    }

    /// <summary>An HTTP status or error code that says "try again later".</summary>
    private static bool IsRetryable(HttpStatusCode status, string? code) =>
        (int)status >= 500 || status == HttpStatusCode.TooManyRequests || (code is not null && RetryableCodes.Contains(code));
}
