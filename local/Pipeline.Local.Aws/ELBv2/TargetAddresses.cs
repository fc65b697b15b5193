using System.Net;
using Pipeline.Local.Aws.EC2;

namespace Pipeline.Local.Aws.ELBv2;

/// <summary>Where a registered target's id points: a host, and whether it can take traffic.</summary>
public interface ITargetAddresses
{
    /// <summary>The host to health-check, or null with a reason when the target cannot be registered.</summary>
    (string? Host, string? Problem) Resolve(string targetId);
}

/// <summary>Instance ids of the local fleet, and literal IP addresses (ELB's ip target type).</summary>
public sealed class FleetTargetAddresses(IFleet fleet) : ITargetAddresses
{
    public (string? Host, string? Problem) Resolve(string targetId)
    {
        if (IPAddress.TryParse(targetId, out _))
        {
            return (targetId, null);
        }

        return fleet.Find(targetId) switch
        {
            null => (null, $"'{targetId}' is not an instance of the local fleet"),
            { State: "running" } instance => (instance.Address, null),
            var instance => (null, $"'{targetId}' is not in a running state ({instance.State})"),
        };
    }
}
