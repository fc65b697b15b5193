namespace Pipeline.StateMachines.Tests.Execution;

/// <summary>An integration served by a function of the test: the seam for the doubles below.</summary>
internal sealed class DelegateIntegration(Func<TaskInvocation, Task<JsonNode?>> serve) : ITaskIntegration
{
    public Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken) => serve(invocation);
}

/// <summary>
/// <c>lambda:invoke</c> tasks all share one Resource, so the function is chosen by FunctionName:
/// functions that exist run as real processes behind the local Lambda service, the others are
/// played by doubles of the test.
/// </summary>
internal sealed class FunctionRouter(ITaskIntegration real, IReadOnlyDictionary<string, Func<JsonObject, Task<JsonNode?>>> doubles)
    : ITaskIntegration
{
    public async Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        var function = (string?)invocation.Input?["FunctionName"] ?? "";
        var name = function[(function.LastIndexOf(':') + 1)..];
        if (!doubles.TryGetValue(name, out var serve))
        {
            return await real.InvokeAsync(invocation, cancellationToken);
        }

        var payload = invocation.Input!["Payload"]!.AsObject();
        return new JsonObject { ["ExecutedVersion"] = "$LATEST", ["Payload"] = await serve(payload), ["StatusCode"] = 200 };
    }
}
