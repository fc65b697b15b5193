using Pipeline.Core.Naming;

namespace Pipeline.Core.Triggers;

/// <summary>
/// How triggers are read: only pushes to <see cref="DeployBranch"/> start a run, and a manual run may
/// only name the clone URL of its service's own CodeCommit repository in <see cref="Region"/>.
/// </summary>
public sealed record TriggerSettings
{
    public const string DefaultDeployBranch = "main";

    public TriggerSettings(string deployBranch, string? region = null)
    {
        var branch = deployBranch?.StartsWith(BranchName.HeadsPrefix, StringComparison.Ordinal) == true
            ? deployBranch[BranchName.HeadsPrefix.Length..]
            : deployBranch;
        if (BranchName.Problem(branch) is { } problem)
        {
            throw new InvalidInputException($"the deploy branch {Shown.Quote(deployBranch)} is not a branch name: it {problem}");
        }

        if (region is not null && !AwsRegion.IsValid(region))
        {
            throw new InvalidInputException($"the region {Shown.Quote(region)} is not an AWS region code such as us-east-1");
        }

        DeployBranch = branch!;
        Region = region;
    }

    public string DeployBranch { get; }

    /// <summary>The function's own region (AWS_REGION); null where unknown, and then no manual run may name a URL.</summary>
    public string? Region { get; }

    /// <summary>Reads PIPELINE_DEPLOY_BRANCH (unset or empty means main) and AWS_REGION as the function sees them.</summary>
    public static TriggerSettings FromEnvironment(string? deployBranch, string? region) =>
        new(string.IsNullOrEmpty(deployBranch) ? DefaultDeployBranch : deployBranch, string.IsNullOrEmpty(region) ? null : region);

    /// <summary>NormalizeTrigger's settings role: PIPELINE_DEPLOY_BRANCH and AWS_REGION, both optional.</summary>
    public static TriggerSettings From(Configuration.SettingsReader settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return FromEnvironment(settings.Optional(Configuration.SettingNames.DeployBranch), settings.Optional(Configuration.SettingNames.Region));
    }

    /// <summary>Reads the deploy branch from a value such as PIPELINE_DEPLOY_BRANCH; unset or empty means main.</summary>
    public static TriggerSettings FromDeployBranch(string? value) => FromEnvironment(value, null);
}
