using Pipeline.Local.Aws.CloudFormation;

namespace Pipeline.Local.Aws.EventBridge;

/// <summary>A reference change as git reports it to a post-receive hook.</summary>
public sealed record ReferenceChange(string RepositoryName, string OldCommitId, string NewCommitId, string ReferenceFullName);

/// <summary>
/// Builds the "CodeCommit Repository State Change" event CodeCommit sends to EventBridge for a
/// pushed reference, so a rule written for AWS matches the local push unchanged.
/// </summary>
public static class CodeCommitEvents
{
    public const string Source = "aws.codecommit";
    public const string DetailType = "CodeCommit Repository State Change";

    private const string ZeroCommit = "0000000000000000000000000000000000000000";

    /// <summary>The event for one reference, or null for references CodeCommit has no event for.</summary>
    public static BusEvent? ForReference(ReferenceChange change, StackContext stack, DateTimeOffset? time = null)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(stack);
        var (type, name) = change.ReferenceFullName switch
        {
            var r when r.StartsWith("refs/heads/", StringComparison.Ordinal) => ("branch", r["refs/heads/".Length..]),
            var r when r.StartsWith("refs/tags/", StringComparison.Ordinal) => ("tag", r["refs/tags/".Length..]),
            _ => (null, null),
        };
        if (type is null)
        {
            return null;
        }

        var created = change.OldCommitId == ZeroCommit;
        var deleted = change.NewCommitId == ZeroCommit;
        var detail = new JsonObject
        {
            ["callerUserArn"] = $"arn:{stack.Partition}:iam::{stack.AccountId}:user/local",
            ["event"] = created ? "referenceCreated" : deleted ? "referenceDeleted" : "referenceUpdated",
            ["referenceFullName"] = change.ReferenceFullName,
            ["referenceName"] = name,
            ["referenceType"] = type,
            ["repositoryId"] = RepositoryId(change.RepositoryName),
            ["repositoryName"] = change.RepositoryName,
        };
        if (!deleted)
        {
            detail["commitId"] = change.NewCommitId;
        }

        if (!created)
        {
            detail["oldCommitId"] = change.OldCommitId;
        }

        return new BusEvent(
            Source,
            DetailType,
            detail,
            [$"arn:{stack.Partition}:codecommit:{stack.Region}:{stack.AccountId}:{change.RepositoryName}"],
            Time: time);
    }

    // A stable id per name, shaped like CodeCommit's, so a rule or log that keys on it stays steady across restarts.
    private static string RepositoryId(string name) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 16)).ToString();
}
