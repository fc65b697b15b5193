using System.Security.Cryptography;
using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;
using Pipeline.Core.Errors;
using Pipeline.Core.Fleet;

namespace Pipeline.Aws.Fleet;

/// <summary>
/// The fleet on AWS: RunInstances from the launch template, with user data that pulls exactly the
/// version's artifact (<see cref="InstanceUserData"/>), and tags <c>pipeline:service</c>,
/// <c>pipeline:version</c>, <c>pipeline:execution</c> by which instances are found later.
/// The client token derives from execution, version and count, so a retried launch returns the
/// instances the first attempt started instead of starting more. Finding and terminating are
/// <see cref="Ec2Instances"/>'s, which needs no launch settings.
/// </summary>
public sealed class Ec2Fleet(IAmazonEC2 ec2, string launchTemplateId, string artifactBucket) : IInstanceFleet
{
    public const string ServiceTag = "pipeline:service";
    public const string VersionTag = "pipeline:version";
    public const string ExecutionTag = "pipeline:execution";
    public const string PortTag = "pipeline:port";

    public async Task<IReadOnlyList<FleetInstance>> LaunchAsync(InstanceLaunch launch, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(launch);
        try
        {
            var response = await ec2.RunInstancesAsync(RunRequest(launch, launchTemplateId, artifactBucket), cancel);
            return [.. response.Reservation.Instances.Select(i => Ec2Instances.ToFleetInstance(i, launch.Port))];
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode is "InsufficientInstanceCapacity" or "InstanceLimitExceeded"
            or "InvalidLaunchTemplateId.NotFound" or "InvalidLaunchTemplateId.Malformed" or "UnauthorizedOperation"
            or "InvalidParameterValue" or "InvalidParameterCombination")
        {
            throw new LaunchFailedException($"{launch.Service} {launch.Label}: EC2 refused to launch: {e.ErrorCode}: {e.Message}", e);
        }
    }

    public Task<IReadOnlyList<FleetInstance>> FindAsync(string service, string label, CancellationToken cancel = default) =>
        new Ec2Instances(ec2).FindAsync(service, label, cancel);

    public Task TerminateAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancel = default) =>
        new Ec2Instances(ec2).TerminateAsync(instanceIds, cancel);

    /// <summary>The RunInstances call for a launch, built without I/O so it can be checked.</summary>
    public static RunInstancesRequest RunRequest(InstanceLaunch launch, string launchTemplateId, string artifactBucket)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var tags = new List<Tag>
        {
            new("Name", $"{launch.Service}-{launch.Label}"),
            new(ServiceTag, launch.Service),
            new(VersionTag, launch.Label),
            new(ExecutionTag, Truncate(launch.ExecutionId, 256)),
            new(PortTag, launch.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        return new RunInstancesRequest
        {
            LaunchTemplate = new LaunchTemplateSpecification { LaunchTemplateId = launchTemplateId, Version = "$Default" },
            MinCount = launch.Count,
            MaxCount = launch.Count,
            ClientToken = ClientToken(launch),
            UserData = Convert.ToBase64String(Encoding.UTF8.GetBytes(InstanceUserData.Render(launch, artifactBucket))),
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Instance, Tags = tags }],
        };
    }

    /// <summary>At most 64 ASCII characters, the same for the same execution, version and count.</summary>
    public static string ClientToken(InstanceLaunch launch)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{launch.ExecutionId}\n{launch.Service}\n{launch.Label}\n{launch.Count}"));
        return Convert.ToHexStringLower(hash)[..64];
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
