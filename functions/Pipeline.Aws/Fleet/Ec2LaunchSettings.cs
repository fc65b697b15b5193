namespace Pipeline.Aws.Fleet;

/// <summary>
/// Where and as what a version's instances start on AWS, as the stack creates it: the launch
/// template (the stack's own or the operator's), the subnets they are spread over, the security
/// group and instance profile put on each, and the stack whose tag marks them as its own.
/// </summary>
public sealed record Ec2LaunchSettings(
    string LaunchTemplateId,
    string ArtifactBucket,
    string Stack,
    string Region,
    IReadOnlyList<string> SubnetIds,
    string? SecurityGroupId = null,
    string? InstanceProfileArn = null)
{
    /// <summary>How many instances go to which subnet: as even as the count allows, the first subnets first.</summary>
    public IReadOnlyList<(string? SubnetId, int Count)> Placements(int count)
    {
        if (SubnetIds.Count == 0)
        {
            return [(null, count)];
        }

        var placements = new List<(string?, int)>();
        for (var i = 0; i < SubnetIds.Count && i < count; i++)
        {
            placements.Add((SubnetIds[i], (count / SubnetIds.Count) + (i < count % SubnetIds.Count ? 1 : 0)));
        }

        return placements;
    }
}
