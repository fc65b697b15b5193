using System.Net.Http.Headers;
using Pipeline.Aws.SecretsManager;
using Pipeline.Core.CommitStatuses;

namespace Pipeline.Aws.GitHub;

/// <summary>
/// <see cref="ICommitStatuses"/> over GitHub's REST API: <c>POST /repos/{owner}/{repo}/statuses/{sha}</c> with
/// <c>state</c>, <c>target_url</c>, <c>description</c> and <c>context</c>, authenticated with a token read from
/// Secrets Manager (a fine-grained token with "Commit statuses: write", or a classic one with <c>repo:status</c>).
/// The token is read per call, so a token put into the secret is used from the next event on, and it
/// never appears in a message.
/// </summary>
public sealed class GitHubCommitStatuses(HttpClient http, Uri apiBase, SecretsManagerClient secrets, string tokenSecretId) : ICommitStatuses
{
    public const string ApiVersion = "2022-11-28";

    public async Task PostAsync(CommitRef commit, CommitStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        ArgumentNullException.ThrowIfNull(status);
        var token = await TokenAsync(cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(apiBase,
            $"repos/{Uri.EscapeDataString(commit.Owner)}/{Uri.EscapeDataString(commit.Repository)}/statuses/{commit.Sha}"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("X-GitHub-Api-Version", ApiVersion);
        // GitHub refuses requests without a User-Agent.
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("pipeline-commit-status", "1"));
        request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(
            new StatusRequest(status.State, status.TargetUrl, status.Description, status.Context), GitHubJson.Default.StatusRequest));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new CommitStatusUnavailableException($"GitHub could not be reached: {e.Message}", e);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            var message = await Message(response, cancellationToken);
            var code = (int)response.StatusCode;
            // 5xx, and 403/429 from a rate limit, may pass; anything else is a refusal a retry cannot fix.
            var limited = response.StatusCode is HttpStatusCode.TooManyRequests
                || (response.StatusCode == HttpStatusCode.Forbidden && response.Headers.TryGetValues("x-ratelimit-remaining", out var left) && left.Contains("0"));
            throw code >= 500 || limited
                ? new CommitStatusUnavailableException($"GitHub answered {code}: {message}")
                : new CommitStatusRefusedException(code switch
                {
                    401 => $"401 {message}: the token in secret {tokenSecretId} is not a valid GitHub token",
                    403 or 404 => $"{code} {message}: the token in secret {tokenSecretId} cannot write commit statuses of {commit.Owner}/{commit.Repository}",
                    _ => $"{code} {message}",
                });
        }
    }

    private async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await secrets.GetSecretStringAsync(tokenSecretId, cancellationToken)).Trim();
        }
        catch (SecretsManagerException e) when (e.Code is "ResourceNotFoundException" or "AccessDeniedException")
        {
            throw new CommitStatusRefusedException(e.Message);
        }
        catch (Exception e) when (e is SecretsManagerException or HttpRequestException or JsonException
                                      || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new CommitStatusUnavailableException(e is SecretsManagerException ? e.Message : $"GetSecretValue failed: {e.GetType().Name}", e);
        }
    }

    /// <summary>GitHub's error body is <c>{"message": ...}</c>; at most 200 characters of it are kept.</summary>
    private static async Task<string> Message(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            if (JsonSerializer.Deserialize(text, GitHubJson.Default.ErrorBody)?.Message is { Length: > 0 } message)
            {
                text = message;
            }
        }
        catch (JsonException)
        {
            // Not GitHub's error shape: keep the text.
        }

        text = text.ReplaceLineEndings(" ");
        return text.Length <= 200 ? text : text[..200] + "...";
    }
}

public sealed record StatusRequest(
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("target_url")] string TargetUrl,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("context")] string Context);

public sealed record ErrorBody([property: JsonPropertyName("message")] string? Message);

[JsonSerializable(typeof(StatusRequest))]
[JsonSerializable(typeof(ErrorBody))]
public sealed partial class GitHubJson : JsonSerializerContext;
