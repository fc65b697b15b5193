namespace Pipeline.Core.CommitStatuses;

/// <summary>
/// One commit status as GitHub's REST API takes it (POST /repos/{owner}/{repo}/statuses/{sha}):
/// <paramref name="State"/> is <c>pending</c>, <c>success</c>, <c>failure</c> or <c>error</c>; the
/// latest status of a <paramref name="Context"/> is the one GitHub shows on the commit.
/// </summary>
public sealed record CommitStatus(string State, string TargetUrl, string Description, string Context)
{
    public const string Pending = "pending";
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Error = "error";

    /// <summary>GitHub refuses a longer description with 422.</summary>
    public const int DescriptionMax = 140;
}

/// <summary>The commit a status is about: <c>Owner/Repository@Sha</c>.</summary>
public sealed record CommitRef(string Owner, string Repository, string Sha)
{
    public override string ToString() => $"{Owner}/{Repository}@{Sha[..7]}";
}

/// <summary>GitHub's commit statuses API; on AWS with a token from Secrets Manager, locally a stand-in.</summary>
public interface ICommitStatuses
{
    /// <summary>
    /// Posts <paramref name="status"/> on <paramref name="commit"/>. A refusal a retry cannot fix (bad token,
    /// no access, invalid field) is <see cref="CommitStatusRefusedException"/>; a failure that may pass
    /// (GitHub or Secrets Manager unreachable, 5xx, rate limit) <see cref="CommitStatusUnavailableException"/>.
    /// </summary>
    Task PostAsync(CommitRef commit, CommitStatus status, CancellationToken cancellationToken);
}

/// <summary>GitHub refused the status for good (401, 404, 422...): logged, never retried.</summary>
public sealed class CommitStatusRefusedException(string message) : Exception(message);

/// <summary>The status could not be posted now; the function fails so Lambda's asynchronous retries try again.</summary>
public sealed class CommitStatusUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
