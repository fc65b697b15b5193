using System.Collections.Concurrent;

namespace Pipeline.Aws.Tests.Deploy;

/// <summary>Execution statuses as a test sets them; an execution it never set does not exist.</summary>
internal sealed class FixedExecutionStatuses : IExecutionStatuses
{
    public const string Unreadable = "(unreadable)";

    private readonly ConcurrentDictionary<string, string> _statuses = new();

    public ConcurrentQueue<string> Asked { get; } = new();

    public FixedExecutionStatuses Set(string executionArn, string status)
    {
        _statuses[executionArn] = status;
        return this;
    }

    public Task<string?> GetStatusAsync(string executionArn, CancellationToken cancel = default)
    {
        Asked.Enqueue(executionArn);
        var status = _statuses.GetValueOrDefault(executionArn);
        return status == Unreadable
            ? throw new ExecutionStatusUnavailableException("ThrottlingException: Rate exceeded")
            : Task.FromResult(status);
    }
}
