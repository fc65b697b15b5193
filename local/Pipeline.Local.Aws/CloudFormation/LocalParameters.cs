namespace Pipeline.Local.Aws.CloudFormation;

/// <summary>
/// Values for the template's AWS-only parameters without a default (VPC, subnets), which name
/// nothing on one machine but must resolve for the definitions to render. They have the shape AWS
/// ids have, so every constraint the template declares holds for them too.
/// </summary>
public static class LocalParameters
{
    public const string LocalGitHubOwner = Pipeline.Local.Aws.CodeBuild.GitHostBuildSources.LocalGitHubOwner;

    public static IReadOnlyDictionary<string, string> Values { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["VpcId"] = "vpc-00000000000000000",
        ["SubnetIds"] = "subnet-00000000000000000",
        ["PublicSubnetIds"] = "subnet-00000000000000000",

        // The local git host plays GitHub for this owner: pipeline-local/<name> is its repository <name>.
        ["GitHubOwner"] = LocalGitHubOwner,
    };

    /// <summary>The local values with <paramref name="overrides"/> on top.</summary>
    public static Dictionary<string, string> With(IReadOnlyDictionary<string, string>? overrides)
    {
        var values = new Dictionary<string, string>(Values, StringComparer.Ordinal);
        foreach (var (name, value) in overrides ?? new Dictionary<string, string>())
        {
            values[name] = value;
        }

        return values;
    }
}
