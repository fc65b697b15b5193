namespace Pipeline.Core.Triggers;

/// <summary>
/// What one run of the deploy state machine is asked to do, whichever way the run started. Every
/// later step reads this record (its JSON is camelCase, every field present, null when unknown),
/// so Choice states can branch on <see cref="Action"/> alone.
/// </summary>
/// <param name="Action"><see cref="PipelineActions.Build"/> a commit, <see cref="PipelineActions.Redeploy"/>
/// a version already built, or <see cref="PipelineActions.None"/> when the trigger needs no run.</param>
/// <param name="Service">The service, named after its repository; null only when the trigger never named one.</param>
/// <param name="Commit">The full commit id to build (build); null for redeploy and none.</param>
/// <param name="Version">The version label to redeploy (redeploy); null otherwise.</param>
/// <param name="Branch">The branch the commit was pushed to, when the trigger says.</param>
/// <param name="Source">Where the trigger came from: one of <see cref="TriggerSources"/>.</param>
/// <param name="Reason">One human sentence: why this run, or why nothing is to be done.</param>
/// <param name="RepositoryUrl">The HTTPS clone URL of the repository, when the trigger gives or implies it.</param>
public sealed record PipelineRequest(
    string Action,
    string? Service,
    string? Commit,
    string? Version,
    string? Branch,
    string Source,
    string Reason,
    string? RepositoryUrl)
{
    public static PipelineRequest Nothing(string source, string? service, string? branch, string reason) =>
        new(PipelineActions.None, service, null, null, branch, source, reason, null);
}

/// <summary>The values of <see cref="PipelineRequest.Action"/>.</summary>
public static class PipelineActions
{
    public const string Build = "build";
    public const string Redeploy = "redeploy";
    public const string None = "none";
}

/// <summary>The values of <see cref="PipelineRequest.Source"/>.</summary>
public static class TriggerSources
{
    public const string CodeCommit = "codecommit";
    public const string GitHub = "github";
    public const string Manual = "manual";
}
