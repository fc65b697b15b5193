using Microsoft.AspNetCore.Routing;

namespace Pipeline.Local.Aws.GitHub;

/// <summary>
/// GitHub's commit statuses API on one machine, as strict as GitHub where the pipeline can meet it:
/// <c>POST /repos/{owner}/{repo}/statuses/{sha}</c> needs the token (<c>Authorization: Bearer</c> or
/// <c>token</c>; 401 "Requires authentication" / "Bad credentials"), a repository of the local owner that is
/// GitHub-hosted on the git host (404 "Not Found" otherwise, as GitHub answers a token without access), a
/// 40-hex SHA and a valid state, at most 140 characters of description (422 "Validation Failed"), and
/// answers 201 with the status. Statuses are kept in <c>&lt;state&gt;/github/statuses.jsonl</c>;
/// <c>GET /repos/{owner}/{repo}/commits/{ref}/statuses</c> lists a commit's, newest first.
/// </summary>
public sealed class LocalGitHubApi
{
    public const string Path = "/github";
    private static readonly string[] States = ["error", "failure", "pending", "success"];

    private readonly string _owner;
    private readonly Func<string?> _token;
    private readonly Func<string, bool> _repositoryExists;
    private readonly string _journal;
    private readonly List<JsonObject> _statuses = [];

    /// <param name="token">The one token GitHub would accept; null: none is (every call is 401).</param>
    /// <param name="repositoryExists">Whether <c>owner/name</c> is a repository on "GitHub".</param>
    public LocalGitHubApi(string stateDirectory, string owner, Func<string?> token, Func<string, bool> repositoryExists)
    {
        _owner = owner;
        _token = token;
        _repositoryExists = repositoryExists;
        var folder = System.IO.Path.Combine(System.IO.Path.GetFullPath(stateDirectory), "github");
        Directory.CreateDirectory(folder);
        _journal = System.IO.Path.Combine(folder, "statuses.jsonl");
        if (File.Exists(_journal))
        {
            _statuses.AddRange(File.ReadLines(_journal).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)).OfType<JsonObject>());
        }
    }

    /// <summary>The last <paramref name="count"/> statuses posted, newest first, each with its repository and SHA.</summary>
    public IReadOnlyList<JsonObject> Recent(int count)
    {
        lock (_statuses)
        {
            return [.. Enumerable.Reverse(_statuses).Take(count).Select(s => (JsonObject)s.DeepClone())];
        }
    }

    public void Map(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost(Path + "/repos/{owner}/{repo}/statuses/{sha}", (HttpContext http, string owner, string repo, string sha) => PostAsync(http, owner, repo, sha));
        endpoints.MapGet(Path + "/repos/{owner}/{repo}/commits/{sha}/statuses", (HttpContext http, string owner, string repo, string sha) =>
            Authorized(http, owner, repo) is { } refused ? refused : Results.Json(List(repo, sha)));
    }

    private async Task<IResult> PostAsync(HttpContext http, string owner, string repo, string sha)
    {
        if (Authorized(http, owner, repo) is { } refused)
        {
            return refused;
        }

        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            return Message(400, "Problems parsing JSON");
        }

        var state = (body?["state"] as JsonValue)?.ToString();
        var description = (body?["description"] as JsonValue)?.ToString();
        if (sha.Length != 40 || !sha.All(char.IsAsciiHexDigit))
        {
            return Message(422, $"No commit found for SHA: {sha}");
        }

        if (state is null || !States.Contains(state, StringComparer.Ordinal))
        {
            return Invalid("state", "state is not included in the list");
        }

        if (description is { Length: > 140 })
        {
            return Invalid("description", "description is too long (maximum is 140 characters)");
        }

        JsonObject status;
        lock (_statuses)
        {
            status = new JsonObject
            {
                ["id"] = _statuses.Count + 1,
                ["repository"] = $"{owner}/{repo}",
                ["sha"] = sha.ToLowerInvariant(),
                ["state"] = state,
                ["description"] = description,
                ["target_url"] = (body?["target_url"] as JsonValue)?.ToString(),
                ["context"] = (body?["context"] as JsonValue)?.ToString() ?? "default",
                ["created_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            };
            _statuses.Add(status);
            File.AppendAllText(_journal, status.ToJsonString() + "\n");
        }

        return Results.Json(status, statusCode: 201);
    }

    private JsonArray List(string repo, string sha)
    {
        lock (_statuses)
        {
            return [.. Enumerable.Reverse(_statuses)
                .Where(s => s["repository"]!.ToString() == $"{_owner}/{repo}" && string.Equals(s["sha"]!.ToString(), sha, StringComparison.OrdinalIgnoreCase))
                .Select(s => (JsonNode)s.DeepClone())];
        }
    }

    private IResult? Authorized(HttpContext http, string owner, string repo)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var given = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..]
            : header.StartsWith("token ", StringComparison.Ordinal) ? header[6..]
            : null;
        if (string.IsNullOrEmpty(given))
        {
            return Message(401, "Requires authentication");
        }

        if (_token() is not { } token || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(given)))
        {
            return Message(401, "Bad credentials");
        }

        return string.Equals(owner, _owner, StringComparison.OrdinalIgnoreCase) && _repositoryExists(repo) ? null : Message(404, "Not Found");
    }

    private static IResult Message(int status, string message) =>
        Results.Json(new JsonObject { ["message"] = message, ["documentation_url"] = "https://docs.github.com/rest/commits/statuses" }, statusCode: status);

    private static IResult Invalid(string field, string message) => Results.Json(new JsonObject
    {
        ["message"] = "Validation Failed",
        ["errors"] = new JsonArray(new JsonObject { ["resource"] = "Status", ["code"] = "custom", ["field"] = field, ["message"] = message }),
        ["documentation_url"] = "https://docs.github.com/rest/commits/statuses#create-a-commit-status",
    }, statusCode: 422);
}
