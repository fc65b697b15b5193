using System.Net.Http.Headers;
using System.Text.Json.Serialization.Metadata;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.Internal.Auth;

namespace Pipeline.Aws;

/// <summary>An AWS JSON service as its small client addresses it: the signing name, the X-Amz-Target prefix, the protocol version.</summary>
/// <param name="SigningName">The SigV4 service name, e.g. <c>states</c> or <c>monitoring</c>; also the public endpoint's host prefix.</param>
public sealed record AwsJsonService(string SigningName, string TargetPrefix, string ContentType = AwsJsonRequests.ContentType)
{
    /// <summary>
    /// Requests to this service in <paramref name="region"/>: at <paramref name="endpoint"/> (default the public
    /// <c>https://{SigningName}.{region}.amazonaws.com/</c>), signed with <paramref name="credentials"/> (default the
    /// SDK's chain: environment, profile, container or instance role).
    /// </summary>
    public AwsJsonRequests At(
        HttpClient http, string region, Uri? endpoint = null, Func<CancellationToken, Task<ImmutableCredentials>>? credentials = null, TimeProvider? clock = null) =>
        new(http, endpoint ?? AwsJsonRequests.DefaultEndpoint(SigningName, region), region, SigningName, TargetPrefix,
            credentials ?? AwsJsonRequests.DefaultCredentials(), clock, ContentType);
}

/// <summary>
/// An AWS JSON 1.0 or 1.1 endpoint (POST to the endpoint, the operation in <c>X-Amz-Target</c>), requests
/// signed with AWSSDK.Core's SigV4 signer: what the small clients for services without an SDK
/// package here (CloudWatch GetMetricData, Step Functions, Secrets Manager GetSecretValue) talk to.
/// </summary>
/// <param name="service">The signing name, e.g. <c>states</c> or <c>monitoring</c>.</param>
/// <param name="targetPrefix">What precedes the operation in X-Amz-Target, e.g. <c>AWSStepFunctions</c>.</param>
public sealed class AwsJsonRequests(
    HttpClient http,
    Uri endpoint,
    string region,
    string service,
    string targetPrefix,
    Func<CancellationToken, Task<ImmutableCredentials>> credentials,
    TimeProvider? clock = null,
    string contentType = AwsJsonRequests.ContentType)
{
    public const string ContentType = "application/x-amz-json-1.0";

    /// <summary>AWS JSON 1.1, which Secrets Manager speaks.</summary>
    public const string ContentType11 = "application/x-amz-json-1.1";

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>The SDK's default credential chain (environment, profile, container or instance role).</summary>
    public static Func<CancellationToken, Task<ImmutableCredentials>> DefaultCredentials()
    {
        var resolver = new DefaultAWSCredentialsIdentityResolver();
        return async cancel => await resolver.ResolveIdentity(null, cancel).GetCredentialsAsync();
    }

    /// <summary>The public endpoint of <paramref name="service"/> in <paramref name="region"/>.</summary>
    public static Uri DefaultEndpoint(string service, string region) => new($"https://{service}.{region}.amazonaws.com/");

    /// <summary>
    /// Posts one operation and reads its answer; a refusal, or a success with no body, becomes the exception
    /// <paramref name="failure"/> makes of the <see cref="AwsJsonError"/>.
    /// </summary>
    public async Task<TResponse> CallAsync<TRequest, TResponse>(
        string operation,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        Func<AwsJsonError, Exception> failure,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var (response, text) = await PostAsync(operation, JsonSerializer.SerializeToUtf8Bytes(request, requestType), cancellationToken);
        using var owned = response;
        if (!response.IsSuccessStatusCode)
        {
            throw failure(AwsJsonError.Read(response, text));
        }

        return JsonSerializer.Deserialize(text, responseType)
            ?? throw failure(new AwsJsonError("EmptyResponse", $"{operation} returned no body", response.StatusCode));
    }

    /// <summary>Posts one operation; the caller disposes the response and maps a failure to its own error.</summary>
    public async Task<(HttpResponseMessage Response, string Text)> PostAsync(string operation, byte[] body, CancellationToken cancellationToken)
    {
        using var message = Sign(endpoint, region, service, $"{targetPrefix}.{operation}", body,
            await credentials(cancellationToken), _clock.GetUtcNow().UtcDateTime, contentType);
        var response = await http.SendAsync(message, cancellationToken);
        return (response, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <param name="target"><c>&lt;TargetPrefix&gt;.&lt;Operation&gt;</c>, e.g. <c>AWSStepFunctions.DescribeExecution</c>.</param>
    /// <param name="service">The signing name, e.g. <c>states</c> or <c>monitoring</c>.</param>
    public static HttpRequestMessage Sign(
        Uri endpoint, string region, string service, string target, byte[] body, ImmutableCredentials credentials, DateTime now,
        string contentType = ContentType)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(credentials);
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var host = endpoint.IsDefaultPort ? endpoint.Host : $"{endpoint.Host}:{endpoint.Port}";
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = contentType,
            ["host"] = host,
            ["x-amz-date"] = amzDate,
            ["x-amz-target"] = target,
        };
        if (credentials.UseToken)
        {
            headers["x-amz-security-token"] = credentials.Token;
        }

        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = new StringBuilder()
            .Append("POST\n")
            .Append(endpoint.AbsolutePath.Length == 0 ? "/" : endpoint.AbsolutePath).Append('\n')
            .Append('\n')
            .Append(string.Concat(headers.Select(h => $"{h.Key}:{h.Value.Trim()}\n"))).Append('\n')
            .Append(signedHeaders).Append('\n')
            .Append(Convert.ToHexStringLower(SHA256.HashData(body)))
            .ToString();
        var signature = AWS4Signer.ComputeSignature(credentials, region, now, service, signedHeaders, canonical);

        var message = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        message.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        message.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        if (credentials.UseToken)
        {
            message.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.Token);
        }

        message.Headers.TryAddWithoutValidation("Authorization", signature.ForAuthorizationHeader);
        return message;
    }
}
