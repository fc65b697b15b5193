using Pipeline.Core.Deploy;

namespace Pipeline.Aws.StepFunctions;

/// <summary><see cref="IExecutionStatuses"/> over DescribeExecution.</summary>
public sealed class StepFunctionsExecutionStatuses(StepFunctionsClient client) : IExecutionStatuses
{
    public async Task<string?> GetStatusAsync(string executionArn, CancellationToken cancel = default)
    {
        try
        {
            return (await client.DescribeExecutionAsync(executionArn, cancel)).Status;
        }
        catch (StepFunctionsClientException e) when (e.Code == "ExecutionDoesNotExist")
        {
            return null;
        }
        catch (Exception e) when (e is StepFunctionsClientException or HttpRequestException or System.Text.Json.JsonException
                                      || (e is TaskCanceledException && !cancel.IsCancellationRequested))
        {
            throw new ExecutionStatusUnavailableException($"DescribeExecution of {executionArn} failed: {e.Message}", e);
        }
    }
}
