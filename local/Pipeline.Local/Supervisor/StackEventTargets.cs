using System.Text.Json.Nodes;
using Pipeline.Local.Stack.Events;

namespace Pipeline.Local.Supervisor;

/// <summary>
/// Where rules and schedules deliver: a state machine ARN starts an execution (as EventBridge's
/// StartExecution target does, without waiting for it), a function ARN is an asynchronous invoke.
/// </summary>
internal sealed class StackEventTargets(StackHost host) : IEventTargetInvoker
{
    public Task InvokeAsync(string targetArn, JsonNode? input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targetArn);
        if (targetArn.Contains(":states:", StringComparison.Ordinal))
        {
            var started = host.StepFunctions!.Start(targetArn, null, input?.ToJsonString());
            host.Step($"started {started["executionArn"]}");
            return Task.CompletedTask;
        }

        if (targetArn.Contains(":lambda:", StringComparison.Ordinal))
        {
            var payload = System.Text.Encoding.UTF8.GetBytes(input?.ToJsonString() ?? "{}");
            _ = Task.Run(async () =>
            {
                var result = await host.Lambda!.InvokeAsync(targetArn, payload, CancellationToken.None);
                if (result.IsError)
                {
                    host.Step($"{targetArn} failed: {System.Text.Encoding.UTF8.GetString(result.Payload)}");
                }
            }, CancellationToken.None);
            return Task.CompletedTask;
        }

        throw new NotSupportedException($"the local stack cannot deliver to {targetArn}: only state machines and functions are targets");
    }
}
