using Pipeline.Local.Aws.EventBridge;
using Pipeline.Local.Aws.CloudFormation;

namespace Pipeline.Local.Aws.CodeCommit;

/// <summary>Connects the git host to the event bus: each pushed branch or tag becomes a CodeCommit event.</summary>
public static class GitPushes
{
    public static Func<ReferenceChange, CancellationToken, Task> ToBus(
        LocalEventBus bus, StackContext stack, Action<EventDelivery>? onDelivery = null)
    {
        ArgumentNullException.ThrowIfNull(bus);
        return async (change, cancellationToken) =>
        {
            if (CodeCommitEvents.ForReference(change, stack) is not { } evt)
            {
                return;
            }

            foreach (var delivery in await bus.PutEventAsync(evt, cancellationToken))
            {
                onDelivery?.Invoke(delivery);
            }
        };
    }
}
