using Amazon.EC2;
using Amazon.EC2.Model;

namespace Pipeline.Aws.Fleet;

/// <summary>
/// A version's EC2 instances, found by the tags <see cref="Ec2Fleet"/> launched them with (this
/// stack's among them, so another stack's instances of a same-named service are never found) and
/// terminated by id. DescribeInstances and TerminateInstances need nothing but the client's region
/// and the stack name, so RetireVersion and Rollback compose this alone, without the launch template.
/// </summary>
public sealed class Ec2Instances(IAmazonEC2 ec2, string stack) : IFleetInstances
{
    public async Task<IReadOnlyList<FleetInstance>> FindAsync(string service, string label, CancellationToken cancel = default)
    {
        var found = new List<FleetInstance>();
        var request = new DescribeInstancesRequest
        {
            Filters =
            [
                new Filter($"tag:{Ec2Fleet.StackTag}", [stack]),
                new Filter($"tag:{Ec2Fleet.ServiceTag}", [service]),
                new Filter($"tag:{Ec2Fleet.VersionTag}", [label]),
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

    internal static FleetInstance ToFleetInstance(Instance instance, int port) => new(
        instance.InstanceId,
        Tag(instance, Ec2Fleet.ServiceTag) ?? "",
        Tag(instance, Ec2Fleet.VersionTag) ?? "",
        instance.PrivateIpAddress ?? "",
        port,
        instance.State?.Name?.Value ?? "pending");

    private static int Port(Instance instance) =>
        int.TryParse(Tag(instance, Ec2Fleet.PortTag), System.Globalization.CultureInfo.InvariantCulture, out var port) ? port : 0;

    private static string? Tag(Instance instance, string key) => instance.Tags?.FirstOrDefault(t => t.Key == key)?.Value;
}
