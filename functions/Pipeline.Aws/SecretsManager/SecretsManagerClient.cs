namespace Pipeline.Aws.SecretsManager;

/// <summary>
/// A small Secrets Manager client (AWSSDK.SecretsManager is not available here) for GetSecretValue only.
/// It speaks AWS JSON 1.1 as the API reference documents it: POST / with
/// <c>X-Amz-Target: secretsmanager.GetSecretValue</c> and <c>Content-Type: application/x-amz-json-1.1</c>,
/// signed with SigV4 for the service name <c>secretsmanager</c>.
/// </summary>
/// <param name="endpoint"><see cref="Service"/> at the public endpoint or, locally, the stack's stand-in.</param>
public sealed class SecretsManagerClient(AwsJsonRequests endpoint)
{
    public static readonly AwsJsonService Service = new("secretsmanager", "secretsmanager", AwsJsonRequests.ContentType11);

    /// <summary>The current SecretString of <paramref name="secretId"/> (a name or an ARN).</summary>
    public async Task<string> GetSecretStringAsync(string secretId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(secretId);
        // Only the error code reaches the exception: a message or a body that is not JSON could hold the secret.
        var value = await endpoint.CallAsync("GetSecretValue", new GetSecretValueRequest(secretId),
            SecretsManagerJson.Default.GetSecretValueRequest, SecretsManagerJson.Default.GetSecretValueResponse,
            error => new SecretsManagerException(error.Code, error.Status), cancellationToken);
        return value.SecretString is { Length: > 0 } secret
            ? secret
            : throw new SecretsManagerException("NoSecretString", HttpStatusCode.OK);
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
public sealed partial class SecretsManagerJson : JsonSerializerContext;
