using Pipeline.Core.Routing;

namespace Pipeline.Core.Fleet;

/// <summary>What a rollback of <paramref name="Service"/>'s <paramref name="Label"/> did, step by step, so the execution history says it.</summary>
/// <param name="RolledBack">True once every step is done (false never returns: a step that fails raises its error).</param>
/// <param name="Terminated">Instances of the failed version this call terminated.</param>
/// <param name="LiveLabel">The service's live version afterwards (null: none).</param>
/// <param name="RoutesVersion">The routes version in force afterwards.</param>
/// <param name="RoutesPublished">True when routing had moved to the failed version and a config without it was published.</param>
/// <param name="Status">The failed version's status afterwards.</param>
public sealed record RollbackResult(
    string Service,
    string Label,
    bool RolledBack,
    IReadOnlyList<string> Terminated,
    string? LiveLabel,
    long RoutesVersion,
    bool RoutesPublished,
    string Status);

/// <summary>
/// The compensation for a deploy that failed after its instances were launched:
/// <list type="number">
/// <item>if the failed version had been made live, the previous live version is live again (none on a first deploy);</item>
/// <item>the routes are published again from the registry, so routers go back to the config that
/// routes to the previous version. The renderer is deterministic, so that config is byte for byte
/// the one in force before the deploy; it gets a new routes version because routers only move forward;</item>
/// <item>the failed version's instances are terminated;</item>
/// <item>a version this execution recorded is marked failed. A redeploy of an older version keeps
/// that version's status, so it can still be rolled back to.</item>
/// </list>
/// Every step checks before it acts, so running it twice changes nothing more. Target groups are
/// the state machine's part (it deletes the new group before calling this).
/// </summary>
public sealed class DeployRollback(IRegistry registry, IFleetInstances fleet, RegistryRoutesPublisher routes)
{
    public async Task<RollbackResult> RollBackAsync(
        string service, string label, string? previousLabel, string executionId, CancellationToken cancel = default)
    {
        var live = (await registry.GetServiceAsync(service, cancel))?.LiveLabel;
        if (live == label)
        {
            var moved = previousLabel is null
                ? await registry.ClearLiveAsync(service, label, cancel)
                : await registry.MarkLiveAsync(service, previousLabel, label, cancel);
            live = moved ? previousLabel : (await registry.GetServiceAsync(service, cancel))?.LiveLabel;
        }

        var (published, _) = await routes.PublishAsync(null, cancel);

        var terminate = (await fleet.FindAsync(service, label, cancel)).Where(i => !i.IsGone).Select(i => i.InstanceId).ToList();
        if (terminate.Count > 0)
        {
            await fleet.TerminateAsync(terminate, cancel);
        }

        var version = await registry.GetVersionAsync(service, label, cancel);
        var status = version?.Status;
        if (version is not null && version.ExecutionId == executionId && status != VersionStatus.Failed
            && await registry.SetVersionStatusAsync(service, label, version.Status, VersionStatus.Failed, cancel))
        {
            status = VersionStatus.Failed;
        }

        return new RollbackResult(service, label, true, terminate, live, published.Current.Version, published.Published,
            status?.ToString() ?? "Unknown");
    }
}
