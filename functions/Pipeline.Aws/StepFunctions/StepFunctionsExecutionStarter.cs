using Pipeline.Core.Webhooks;

namespace Pipeline.Aws.StepFunctions;

/// <summary>
/// <see cref="IExecutionStarter"/> over DescribeExecution and StartExecution. An execution name is unique
/// per state machine for 90 days, but StartExecution with the name and input of a <em>running</em>
/// execution succeeds and returns it again, so asking first is what tells a duplicate from a new start;
/// ExecutionAlreadyExists covers a duplicate that raced the question.
/// </summary>
public sealed class StepFunctionsExecutionStarter(StepFunctionsClient client, string stateMachineArn) : IExecutionStarter
{
    private const string MachineMarker = ":stateMachine:";

    public async Task<ExecutionStart> StartAsync(string name, string input, CancellationToken cancellationToken)
    {
        var arn = ExecutionArn(stateMachineArn, name);
        try
        {
            await client.DescribeExecutionAsync(arn, cancellationToken);
            return new ExecutionStart(false, arn);
        }
        catch (StepFunctionsClientException e) when (e.Code == "ExecutionDoesNotExist")
        {
            // Not started yet: start it below.
        }
        catch (Exception e) when (Unavailable(e, cancellationToken))
        {
            throw new WebhookUnavailableException($"DescribeExecution failed: {e.Message}", e);
        }

        try
        {
            return new ExecutionStart(true, (await client.StartExecutionAsync(stateMachineArn, name, input, cancellationToken)).ExecutionArn);
        }
        catch (StepFunctionsClientException e) when (e.Code == "ExecutionAlreadyExists")
        {
            return new ExecutionStart(false, arn);
        }
        catch (Exception e) when (Unavailable(e, cancellationToken))
        {
            throw new WebhookUnavailableException($"StartExecution failed: {e.Message}", e);
        }
    }

    /// <summary>The ARN Step Functions gives execution <paramref name="name"/> of a standard state machine.</summary>
    public static string ExecutionArn(string stateMachineArn, string name)
    {
        ArgumentNullException.ThrowIfNull(stateMachineArn);
        var at = stateMachineArn.IndexOf(MachineMarker, StringComparison.Ordinal);
        return at < 0
            ? throw new ArgumentException($"'{stateMachineArn}' is not a state machine ARN", nameof(stateMachineArn))
            : $"{stateMachineArn[..at]}:execution:{stateMachineArn[(at + MachineMarker.Length)..]}:{name}";
    }

    private static bool Unavailable(Exception e, CancellationToken cancel) =>
        e is StepFunctionsClientException or HttpRequestException or JsonException
        || (e is TaskCanceledException && !cancel.IsCancellationRequested);
}
