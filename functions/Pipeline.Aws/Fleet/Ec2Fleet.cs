using Amazon.EC2;
using Amazon.EC2.Model;

namespace Pipeline.Aws.Fleet;

/// <summary>
/// The fleet on AWS: RunInstances from the launch template, spread over the stack's subnets, with
/// its security group and instance profile, user data that pulls exactly the version's artifact
/// (<see cref="InstanceUserData"/>), and tags <c>pipeline:stack</c>, <c>pipeline:service</c>,
/// <c>pipeline:version</c>, <c>pipeline:execution</c> by which instances are found later (and
/// which IAM requires before this stack may terminate them). Each subnet's share is one call whose
/// client token derives from execution, version, count and subnet, so a retried launch returns the
/// instances the first attempt started instead of starting more. Finding and terminating are
/// <see cref="Ec2Instances"/>'s, which needs no launch settings.
/// </summary>
public sealed class Ec2Fleet(IAmazonEC2 ec2, Ec2LaunchSettings settings) : IInstanceFleet
{
    public const string StackTag = "pipeline:stack";
    public const string ServiceTag = "pipeline:service";
    public const string VersionTag = "pipeline:version";
    public const string ExecutionTag = "pipeline:execution";
    public const string PortTag = "pipeline:port";

    public async Task<IReadOnlyList<FleetInstance>> LaunchAsync(InstanceLaunch launch, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(launch);
        try
        {
            var instances = new List<FleetInstance>();
            foreach (var request in RunRequests(launch, settings))
            {
                var response = await ec2.RunInstancesAsync(request, cancel);
                instances.AddRange(response.Reservation.Instances.Select(i => Ec2Instances.ToFleetInstance(i, launch.Port)));
            }

            return instances;
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode is "InsufficientInstanceCapacity" or "InstanceLimitExceeded"
            or "InvalidLaunchTemplateId.NotFound" or "InvalidLaunchTemplateId.Malformed" or "UnauthorizedOperation"
            or "InvalidParameterValue" or "InvalidParameterCombination")
        {
            throw new LaunchFailedException($"{launch.Service} {launch.Label}: EC2 refused to launch: {e.ErrorCode}: {e.Message}", e);
        }
    }

    public Task<IReadOnlyList<FleetInstance>> FindAsync(string service, string label, CancellationToken cancel = default) =>
        new Ec2Instances(ec2, settings.Stack).FindAsync(service, label, cancel);

    public Task TerminateAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancel = default) =>
        new Ec2Instances(ec2, settings.Stack).TerminateAsync(instanceIds, cancel);

    /// <summary>The RunInstances calls for a launch, one per subnet it is spread over, built without I/O so they can be checked.</summary>
    public static IReadOnlyList<RunInstancesRequest> RunRequests(InstanceLaunch launch, Ec2LaunchSettings settings)
    {
        ArgumentNullException.ThrowIfNull(launch);
        ArgumentNullException.ThrowIfNull(settings);
        var tags = new List<Tag>
        {
            new("Name", $"{launch.Service}-{launch.Label}"),
            new(StackTag, settings.Stack),
            new(ServiceTag, launch.Service),
            new(VersionTag, launch.Label),
            new(ExecutionTag, Truncate(launch.ExecutionId, 256)),
            new(PortTag, launch.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };

        // Set by the pipeline after the manifest's env, which may not name AWS_* variables.
        var environment = new Dictionary<string, string>(launch.Environment, StringComparer.Ordinal) { ["AWS_REGION"] = settings.Region };
        var userData = Convert.ToBase64String(Encoding.UTF8.GetBytes(
            InstanceUserData.Render(launch with { Environment = environment }, settings.ArtifactBucket)));
        return [.. settings.Placements(launch.Count).Select(placement => new RunInstancesRequest
        {
            LaunchTemplate = new LaunchTemplateSpecification { LaunchTemplateId = settings.LaunchTemplateId, Version = "$Default" },
            MinCount = placement.Count,
            MaxCount = placement.Count,
            SubnetId = placement.SubnetId,
            SecurityGroupIds = settings.SecurityGroupId is null ? null : [settings.SecurityGroupId],
            IamInstanceProfile = settings.InstanceProfileArn is null ? null : new IamInstanceProfileSpecification { Arn = settings.InstanceProfileArn },
            ClientToken = ClientToken(launch, placement.SubnetId),
            UserData = userData,
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Instance, Tags = tags }],
        })];
    }

    /// <summary>At most 64 ASCII characters, the same for the same execution, version, count and replaced instances.</summary>
    public static string ClientToken(InstanceLaunch launch, string? subnetId = null)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var replacing = launch.Replacing.Count == 0 ? "" : "\n" + string.Join(',', launch.Replacing.Order(StringComparer.Ordinal));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{launch.ExecutionId}\n{launch.Service}\n{launch.Label}\n{launch.Count}\n{subnetId}{replacing}"));
        return Convert.ToHexStringLower(hash)[..64];
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
