using Amazon.EC2;
using Pipeline.Core.Fleet;

namespace Pipeline.Aws.Fleet;

/// <summary>
/// Picks the fleet adapter: the local stack's fleet when <c>PIPELINE_FLEET_ENDPOINT</c> is set,
/// EC2 from <c>PIPELINE_LAUNCH_TEMPLATE_ID</c> otherwise.
/// </summary>
public static class FleetFromEnvironment
{
    public const string EndpointVariable = "PIPELINE_FLEET_ENDPOINT";

    public static IInstanceFleet Create()
    {
        if (Environment.GetEnvironmentVariable(EndpointVariable) is { Length: > 0 } endpoint)
        {
            return new HttpFleet(new HttpClient { Timeout = TimeSpan.FromMinutes(5) }, new Uri(endpoint.TrimEnd('/') + "/"));
        }

        return new Ec2Fleet(new AmazonEC2Client(), AwsClients.Setting("PIPELINE_LAUNCH_TEMPLATE_ID"), AwsClients.Setting("PIPELINE_ARTIFACT_BUCKET"));
    }
}
