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
/// instances the first attempt started instead of starting more.
/// </summary>
public sealed class Ec2Fleet(IAmazonEC2 ec2, string launchTemplateId, string artifactBucket) : IInstanceFleet
{
    public const string ServiceTag = "pipeline:service";
    public const string VersionTag = "pipeline:version";
    public const string ExecutionTag = "pipeline:execution";

    public async Task<IReadOnlyList<FleetInstance>> LaunchAsync(InstanceLaunch launch, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(launch);
        try
        {
            var response = await ec2.RunInstancesAsync(RunRequest(launch, launchTemplateId, artifactBucket), cancel);
            return [.. response.Reservation.Instances.Select(i => ToFleetInstance(i, launch.Port))];
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode is "InsufficientInstanceCapacity" or "InstanceLimitExceeded"
            or "InvalidLaunchTemplateId.NotFound" or "InvalidLaunchTemplateId.Malformed" or "UnauthorizedOperation"
            or "InvalidParameterValue" or "InvalidParameterCombination")
        {
            throw new LaunchFailedException($"{launch.Service} {launch.Label}: EC2 refused to launch: {e.ErrorCode}: {e.Message}", e);
        }
    }

    public async Task<IReadOnlyList<FleetInstance>> FindAsync(string service, string label, CancellationToken cancel = default)
    {
        var found = new List<FleetInstance>();
        var request = new DescribeInstancesRequest
        {
            Filters =
            [
                new Filter($"tag:{ServiceTag}", [service]),
                new Filter($"tag:{VersionTag}", [label]),
                new Filter("instance-state-name", ["pending", "running", "stopping", "stopped", "shutting-down"]),
            ],
        };
        do
        {
            var response = await ec2.DescribeInstancesAsync(request, cancel);
            found.AddRange((response.Reservations ?? []).SelectMany(r => r.Instances ?? []).Select(i => ToFleetInstance(i, Port(i))));
            request.NextToken = response.NextToken;
        }
        while (!string.IsNullOrEmpty(request.NextToken));

        return found;
    }

    public async Task TerminateAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(instanceIds);
        foreach (var batch in instanceIds.Chunk(500))
        {
            await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [.. batch] }, cancel);
        }
    }

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
            new("pipeline:port", launch.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
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

    private static FleetInstance ToFleetInstance(Instance instance, int port) => new(
        instance.InstanceId,
        Tag(instance, ServiceTag) ?? "",
        Tag(instance, VersionTag) ?? "",
        instance.PrivateIpAddress ?? "",
        port,
        instance.State?.Name?.Value ?? "pending");

    private static int Port(Instance instance) =>
        int.TryParse(Tag(instance, "pipeline:port"), System.Globalization.CultureInfo.InvariantCulture, out var port) ? port : 0;

    private static string? Tag(Instance instance, string key) => instance.Tags?.FirstOrDefault(t => t.Key == key)?.Value;

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
