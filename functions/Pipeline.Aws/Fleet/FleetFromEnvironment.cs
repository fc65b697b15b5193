using Amazon.EC2;
using Pipeline.Core.Fleet;

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
    public static IFleetInstances ForTermination() =>
        Local() ?? (IFleetInstances)new Ec2Instances(new AmazonEC2Client(), AwsClients.Setting("PIPELINE_STACK_NAME"));

    /// <summary>
    /// LaunchInstances' settings as template.yaml gives them: the launch template, artifact bucket
    /// and stack name are required; subnets, security group and instance profile apply when given.
    /// </summary>
    public static Ec2LaunchSettings LaunchSettings(Func<string, string?> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        string Required(string name) => env(name) is { Length: > 0 } value ? value
            : throw new InvalidOperationException($"The environment variable {name} is not set.");
        string? Optional(string name) => env(name) is { Length: > 0 } value ? value : null;
        return new Ec2LaunchSettings(
            Required("PIPELINE_LAUNCH_TEMPLATE_ID"),
            Required("PIPELINE_ARTIFACT_BUCKET"),
            Required("PIPELINE_STACK_NAME"),
            Optional("AWS_REGION") ?? Optional("AWS_DEFAULT_REGION") ?? Required("AWS_REGION"),
            [.. (Optional("PIPELINE_SUBNET_IDS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            Optional("PIPELINE_INSTANCE_SECURITY_GROUP"),
            Optional("PIPELINE_INSTANCE_PROFILE_ARN"));
    }

    private static HttpFleet? Local() =>
        Environment.GetEnvironmentVariable(EndpointVariable) is { Length: > 0 } endpoint
            ? new HttpFleet(new HttpClient { Timeout = TimeSpan.FromMinutes(5) }, new Uri(endpoint.TrimEnd('/') + "/"))
            : null;
}
