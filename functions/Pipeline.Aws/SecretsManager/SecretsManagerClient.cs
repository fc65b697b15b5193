using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.Runtime;
using Pipeline.Aws.CloudWatch;

namespace Pipeline.Aws.SecretsManager;

/// <summary>
/// A small Secrets Manager client (AWSSDK.SecretsManager is not available here) for GetSecretValue only.
/// It speaks AWS JSON 1.1 as the API reference documents it: POST / with
/// <c>X-Amz-Target: secretsmanager.GetSecretValue</c> and <c>Content-Type: application/x-amz-json-1.1</c>,
/// signed with SigV4 for the service name <c>secretsmanager</c>.
/// </summary>
public sealed class SecretsManagerClient(
    HttpClient http,
    Uri endpoint,
    string region,
    Func<CancellationToken, Task<ImmutableCredentials>> credentials,
    TimeProvider? clock = null)
{
    public const string TargetPrefix = "secretsmanager";
    private const string Service = "secretsmanager";

    private readonly AwsJsonRequests _endpoint =
        new(http, endpoint, region, Service, TargetPrefix, credentials, clock, AwsJsonRequests.ContentType11);

    /// <summary>The client for a region with the default credential chain; <paramref name="endpoint"/> overrides
    /// <c>https://secretsmanager.{region}.amazonaws.com/</c>.</summary>
    public static SecretsManagerClient Create(HttpClient http, string region, Uri? endpoint = null) =>
        new(http, endpoint ?? new Uri($"https://secretsmanager.{region}.amazonaws.com/"), region, AwsJsonRequests.DefaultCredentials());

    /// <summary>The current SecretString of <paramref name="secretId"/> (a name or an ARN).</summary>
    public async Task<string> GetSecretStringAsync(string secretId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(secretId);
        var body = JsonSerializer.SerializeToUtf8Bytes(new GetSecretValueRequest(secretId), SecretsManagerJson.Default.GetSecretValueRequest);
        var (response, text) = await _endpoint.PostAsync("GetSecretValue", body, cancellationToken);
        using var owned = response;
        if (!response.IsSuccessStatusCode)
        {
            string? code = null;
            try
            {
                code = JsonSerializer.Deserialize(text, SecretsManagerJson.Default.JsonErrorBody)?.Type?.Split('#')[^1];
            }
            catch (JsonException)
            {
                // Not an AWS error body: the status says enough. The text is never echoed: it could hold the secret.
            }

            throw new SecretsManagerException(code ?? "Unknown", response.StatusCode);
        }

        var value = JsonSerializer.Deserialize(text, SecretsManagerJson.Default.GetSecretValueResponse);
        return value?.SecretString is { Length: > 0 } secret
            ? secret
            : throw new SecretsManagerException("NoSecretString", response.StatusCode);
    }
}

/// <summary>An error Secrets Manager returned; the message names only the error code, never a value.</summary>
public sealed class SecretsManagerException(string code, HttpStatusCode status)
    : Exception($"Secrets Manager GetSecretValue failed: {code} ({(int)status})")
{
    public string Code { get; } = code;
}

public sealed record GetSecretValueRequest([property: JsonPropertyName("SecretId")] string SecretId);

public sealed record GetSecretValueResponse(
    [property: JsonPropertyName("ARN")] string? Arn,
    [property: JsonPropertyName("Name")] string? Name,
    [property: JsonPropertyName("SecretString")] string? SecretString,
    [property: JsonPropertyName("VersionId")] string? VersionId);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GetSecretValueRequest))]
[JsonSerializable(typeof(GetSecretValueResponse))]
[JsonSerializable(typeof(JsonErrorBody))]
public sealed partial class SecretsManagerJson : JsonSerializerContext;
