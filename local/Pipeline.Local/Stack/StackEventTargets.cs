namespace Pipeline.Local.Stack;

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
            var execution = host.StepFunctions!.StartExecution(targetArn, null, input?.ToJsonString());
            host.Step($"started execution {execution.Name} of {targetArn.Split(':').Last()}");
            _ = execution.Finished.ContinueWith(
                _ => host.Step($"execution {execution.Name}: {execution.Status}" +
                               (execution.Error is null ? "" : $" ({execution.Error}: {Truncate(execution.Cause, 400)})")),
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
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

    private static string? Truncate(string? text, int length) =>
        text is null || text.Length <= length ? text : text[..length] + "...";
}
