namespace Pipeline.Core.Fleet;

/// <summary>What retiring a version did.</summary>
/// <param name="Retired">True when the version's status is Retired now.</param>
/// <param name="Terminated">The instances this call terminated (empty when they were gone already).</param>
public sealed record RetirementResult(bool Retired, IReadOnlyList<string> Terminated);

/// <summary>
/// The last deploy step: the version that was replaced, whose targets have drained, is marked
/// retired and its instances are terminated. A version that is live again (another deploy moved
/// back to it) is refused, never terminated. Running it twice terminates nothing more.
/// </summary>
public sealed class VersionRetirement(IRegistry registry, IFleetInstances fleet)
{
    public async Task<RetirementResult> RetireAsync(string service, string label, string replacedBy, CancellationToken cancel = default)
    {
        var version = await registry.GetVersionAsync(service, label, cancel)
            ?? throw new VersionNotFoundException($"{service} has no recorded version '{label}' to retire");
        var live = (await registry.GetServiceAsync(service, cancel))?.LiveLabel;
        if (live == label)
        {
            throw new VersionStillLiveException(
                $"{service} {label} is the live version again, so it is not retired; {replacedBy} does not serve");
        }

        // Making the new version live already retired this one; a version that never went live
        // (its deploy failed before) keeps its own status.
        var retired = version.Status == VersionStatus.Retired
            || (version.Status == VersionStatus.Live
                && await registry.SetVersionStatusAsync(service, label, VersionStatus.Live, VersionStatus.Retired, cancel));
        var instances = await fleet.FindAsync(service, label, cancel);
        var terminate = instances.Where(i => !i.IsGone).Select(i => i.InstanceId).ToList();
        if (terminate.Count > 0)
        {
            await fleet.TerminateAsync(terminate, cancel);
        }

        return new RetirementResult(retired, terminate);
    }
}
