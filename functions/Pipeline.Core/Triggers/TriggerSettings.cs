using Pipeline.Core.Errors;

namespace Pipeline.Core.Triggers;

/// <summary>How triggers are read: only pushes to <see cref="DeployBranch"/> start a run.</summary>
public sealed record TriggerSettings
{
    public const string DefaultDeployBranch = "main";

    public TriggerSettings(string deployBranch)
    {
        if (string.IsNullOrWhiteSpace(deployBranch) || deployBranch.Any(char.IsWhiteSpace))
        {
            throw new InvalidInputException($"the deploy branch must be a branch name, got '{deployBranch}'");
        }

        DeployBranch = deployBranch.StartsWith(GitRefs.HeadsPrefix, StringComparison.Ordinal)
            ? deployBranch[GitRefs.HeadsPrefix.Length..]
            : deployBranch;
    }

    public string DeployBranch { get; }

    /// <summary>Reads the deploy branch from a value such as PIPELINE_DEPLOY_BRANCH; unset or empty means main.</summary>
    public static TriggerSettings FromDeployBranch(string? value) =>
        new(string.IsNullOrEmpty(value) ? DefaultDeployBranch : value);
}
