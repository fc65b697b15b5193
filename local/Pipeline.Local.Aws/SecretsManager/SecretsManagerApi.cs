using Microsoft.AspNetCore.Routing;

namespace Pipeline.Local.Aws.SecretsManager;

/// <summary>
/// Secrets Manager's GetSecretValue as AWS JSON 1.1 (<c>X-Amz-Target: secretsmanager.GetSecretValue</c>),
/// the one operation the functions use; every other operation is refused as AWS refuses an unknown one.
/// </summary>
internal static class SecretsManagerApi
{
    public const string Path = "/secretsmanager";
    private const string ContentType = "application/x-amz-json-1.1";

    public static IEndpointConventionBuilder MapSecretsManagerApi(this IEndpointRouteBuilder endpoints, LocalSecrets secrets) =>
        endpoints.MapPost(Path, (HttpContext http) => HandleAsync(http, secrets));

    private static async Task HandleAsync(HttpContext http, LocalSecrets secrets)
    {
        var target = http.Request.Headers["X-Amz-Target"].ToString();
        JsonObject response;
        var status = 200;
        if (target != "secretsmanager.GetSecretValue")
        {
            (status, response) = Error("UnknownOperationException", $"X-Amz-Target '{target}' is not an operation of the local Secrets Manager");
        }
        else
        {
            JsonNode? request = null;
            try
            {
                request = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            }
            catch (JsonException)
            {
                // Answered below as a missing SecretId.
            }

            var id = (request?["SecretId"] as JsonValue)?.ToString();
            var secret = string.IsNullOrEmpty(id) ? null : secrets.Find(id);
            (status, response) = string.IsNullOrEmpty(id) ? Error("InvalidParameterException", "SecretId is required")
                : secret is null ? Error("ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
                : (200, new JsonObject
                {
                    ["ARN"] = secret.Arn,
                    ["Name"] = secret.Name,
                    ["SecretString"] = secrets.Value(secret),
                    ["VersionId"] = "00000000-0000-0000-0000-000000000001",
                    ["VersionStages"] = new JsonArray("AWSCURRENT"),
                });
        }

        http.Response.StatusCode = status;
        http.Response.ContentType = ContentType;
        await http.Response.WriteAsync(response.ToJsonString(), http.RequestAborted);
    }

    private static (int, JsonObject) Error(string code, string message) =>
        (400, new JsonObject { ["__type"] = code, ["Message"] = message });
}
