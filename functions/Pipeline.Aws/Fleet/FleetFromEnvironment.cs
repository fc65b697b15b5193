using Amazon.EC2;
using Pipeline.Aws.Local;
using Pipeline.Core.Configuration;

namespace Pipeline.Aws.Fleet;

/// <summary>
/// Picks the fleet adapters. Locally the stack's process fleet, when its local-only setting
/// <c>PIPELINE_FLEET_ENDPOINT</c> is set; on AWS, EC2 in the function's region. Finding and
/// terminating need nothing more, so RetireVersion and Rollback start under the environment
/// template.yaml gives them; launching also needs <c>PIPELINE_LAUNCH_TEMPLATE_ID</c> and
/// <c>PIPELINE_ARTIFACT_BUCKET</c>, which only LaunchInstances is given.
/// </summary>
public static class FleetFromEnvironment
{
    public const string EndpointVariable = "PIPELINE_FLEET_ENDPOINT";

    /// <summary>The fleet a function that starts instances composes.</summary>
    public static IInstanceFleet ForLaunch() => Local() ?? (IInstanceFleet)new Ec2Fleet(new AmazonEC2Client(), LaunchSettings(Environment.GetEnvironmentVariable));

    /// <summary>The fleet a function that only finds and terminates instances composes.</summary>
    public static IFleetInstances ForTermination(string stackName) =>
        Local() ?? (IFleetInstances)new Ec2Instances(new AmazonEC2Client(), stackName);

    /// <summary>
    /// LaunchInstances' settings as template.yaml gives them: the launch template, artifact bucket
    /// and stack name are required; subnets, security group and instance profile apply when given.
    /// </summary>
    public static Ec2LaunchSettings LaunchSettings(Func<string, string?> env) => LaunchSettings(new SettingsReader(env));

    public static Ec2LaunchSettings LaunchSettings(SettingsReader settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new Ec2LaunchSettings(
            settings.Required(SettingNames.LaunchTemplateId),
            settings.Required(SettingNames.ArtifactBucket),
            settings.Required(SettingNames.StackName),
            settings.Optional(SettingNames.Region) ?? settings.Optional("AWS_DEFAULT_REGION") ?? settings.Required(SettingNames.Region),
            [.. (settings.Optional(SettingNames.SubnetIds) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            settings.Optional(SettingNames.InstanceSecurityGroup),
            settings.Optional(SettingNames.InstanceProfileArn));
    }

    private static LocalFleetClient? Local() =>
        Environment.GetEnvironmentVariable(EndpointVariable) is { Length: > 0 } endpoint
            ? new LocalFleetClient(new HttpClient { Timeout = TimeSpan.FromMinutes(5) }, new Uri(endpoint.TrimEnd('/') + "/"))
            : null;
}
