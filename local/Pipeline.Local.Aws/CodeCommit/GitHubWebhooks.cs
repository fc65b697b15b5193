using System.Net.Http.Headers;
using Pipeline.Core.Webhooks;
using Pipeline.Local.Aws.EventBridge;

namespace Pipeline.Local.Aws.CodeCommit;

/// <summary>
/// Plays GitHub for the local git host: a pushed reference of a GitHub-hosted repository becomes the
/// push webhook GitHub would send (its headers, its payload shape, both HMAC signatures) to the
/// stack's webhook endpoint, instead of a CodeCommit event.
/// </summary>
public sealed class GitHubWebhooks(HttpClient http, Uri webhook, Func<byte[]> secret, string owner)
{
    /// <summary>Marks a repository as hosted on GitHub: its pushes are delivered as GitHub webhooks.</summary>
    public const string MarkerFile = "pipeline-github-hosted";

    /// <summary>Sends the push webhook for <paramref name="change"/>; the receiver's status and reason come back.</summary>
    public async Task<(int Status, string Body)> DeliverAsync(ReferenceChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var body = Encoding.UTF8.GetBytes(Payload(change, owner, DateTimeOffset.UtcNow).ToJsonString());
        var key = secret();
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.UserAgent.ParseAdd("GitHub-Hookshot/pipeline-local");
        request.Headers.Add("X-GitHub-Event", "push");
        request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
        request.Headers.Add("X-GitHub-Hook-ID", "1");
#pragma warning disable CA5350 // GitHub still sends the legacy SHA-1 signature beside the SHA-256 one; the receiver ignores it.
        request.Headers.Add("X-Hub-Signature", "sha1=" + Convert.ToHexStringLower(HMACSHA1.HashData(key, body)));
#pragma warning restore CA5350
        request.Headers.Add("X-Hub-Signature-256", GitHubSignature.Compute(key, body));
        using var response = await http.SendAsync(request, cancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>The members of GitHub's push payload, for <paramref name="change"/> of <c>OWNER/REPOSITORY</c>.</summary>
    public static JsonObject Payload(ReferenceChange change, string owner, DateTimeOffset pushedAt)
    {
        ArgumentNullException.ThrowIfNull(change);
        var zero = new string('0', 40);
        var url = $"https://github.com/{owner}/{change.RepositoryName}";
        return new JsonObject
        {
            ["ref"] = change.ReferenceFullName,
            ["before"] = change.OldCommitId,
            ["after"] = change.NewCommitId,
            ["created"] = change.OldCommitId == zero,
            ["deleted"] = change.NewCommitId == zero,
            ["forced"] = false,
            ["base_ref"] = null,
            ["compare"] = $"{url}/compare/{change.OldCommitId[..12]}...{change.NewCommitId[..12]}",
            ["commits"] = new JsonArray(),
            ["head_commit"] = change.NewCommitId == zero ? null : new JsonObject { ["id"] = change.NewCommitId, ["url"] = $"{url}/commit/{change.NewCommitId}" },
            ["repository"] = new JsonObject
            {
                ["name"] = change.RepositoryName,
                ["full_name"] = $"{owner}/{change.RepositoryName}",
                ["private"] = true,
                ["owner"] = new JsonObject { ["name"] = owner, ["login"] = owner },
                ["html_url"] = url,
                ["clone_url"] = url + ".git",
                ["default_branch"] = "main",
                ["pushed_at"] = pushedAt.ToUnixTimeSeconds(),
            },
            ["pusher"] = new JsonObject { ["name"] = Environment.UserName, ["email"] = "pusher@pipeline.local" },
            ["sender"] = new JsonObject { ["login"] = Environment.UserName.ToLower(CultureInfo.InvariantCulture) },
        };
    }
}
