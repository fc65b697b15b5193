using Pipeline.Local.Aws.ELBv2;

namespace Pipeline.Local.Stack;

/// <summary>
/// What lets a stack stop (Ctrl-C, SIGTERM, `down`, or SIGKILL) and come back on the same state
/// directory with nothing lost: the processes a killed stack left are stopped, the live versions'
/// instances and their target registrations come back from durable state, and the executions that
/// were RUNNING resume from their journals.
/// </summary>
internal sealed partial class StackHost
{
    private LocalTargetGroups? _targetGroups;

    internal string FleetStateFile => Path.Combine(_layout.Fleet, "instances.json");

    internal string TargetGroupsStateFile => Path.Combine(_layout.Root, "elbv2", "target-groups.json");

    /// <summary>A SIGKILLed stack's children still hold its ports (the front port among them) and files.</summary>
    private async Task ReapOrphansAsync(CancellationToken cancellationToken)
    {
        var orphans = Orphans.Find(_layout.Root);
        if (orphans.Count == 0)
        {
            return;
        }
        Step($"stopping {orphans.Count} process(es) a stopped stack left running on {_layout.Root}:");
        foreach (var (pid, command) in orphans)
        {
            Step($"  {pid} {Truncate(command, 160)}");
        }
        await Orphans.KillAllAsync(orphans.Select(o => o.Pid), TimeSpan.FromSeconds(10), cancellationToken);
    }

    /// <summary>The instances recorded as running start again under their ids and ports, then the target groups that name them.</summary>
    private async Task RestoreFleetAsync(CancellationToken cancellationToken)
    {
        var instances = await Fleet!.PersistToAsync(FleetStateFile, Step, cancellationToken);
        var (groups, targets) = _targetGroups!.PersistTo(TargetGroupsStateFile);
        if (instances.Count > 0 || groups > 0)
        {
            Step($"restored {instances.Count} instance(s) [{Pipeline.Local.Aws.EC2.LocalProcessFleet.Ids(instances)}], {groups} target group(s) with {targets} target(s)");
        }
    }

    /// <summary>Once every integration is up: the executions a stopped stack left RUNNING go on from their journals.</summary>
    private void ResumeExecutions()
    {
        foreach (var execution in StepFunctions!.ResumeInterrupted())
        {
            Step($"resumed execution {execution.Name} from its journal ({execution.Events.Count} events recorded before the stop)");
        }
    }
}
