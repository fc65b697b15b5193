namespace Pipeline.States.Service;

/// <summary>A registered state machine.</summary>
public sealed record StateMachineRecord(
    string Name,
    string Arn,
    string DefinitionJson,
    string RoleArn,
    DateTimeOffset CreationDate,
    StateMachineDefinition Definition);

/// <summary>
/// An execution, running or finished; its history grows while it runs. A finished execution whose
/// history is journaled keeps it on disk only (see <see cref="KeepHistoryOnDiskOnly"/>).
/// </summary>
public sealed class ExecutionRecord(string executionArn, string stateMachineArn, string name, DateTimeOffset startDate, string input)
{
    private readonly object _gate = new();
    private List<HistoryEvent>? _events = [];
    private string? _journalPath;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string ExecutionArn { get; } = executionArn;

    public string StateMachineArn { get; } = stateMachineArn;

    public string Name { get; } = name;

    public DateTimeOffset StartDate { get; } = startDate;

    public string Input { get; } = input;

    public ExecutionStatus Status { get; private set; } = ExecutionStatus.Running;

    public DateTimeOffset? StopDate { get; private set; }

    public string? Output { get; private set; }

    public string? Error { get; private set; }

    public string? Cause { get; private set; }

    internal CancellationTokenSource Stop { get; } = new();

    internal (string? Error, string? Cause)? StopReason { get; set; }

    public Task Finished => _finished.Task;

    public IReadOnlyList<HistoryEvent> Events
    {
        get
        {
            string path;
            lock (_gate)
            {
                if (_events is not null)
                {
                    return _events.ToList();
                }
                path = _journalPath!;
            }
            return ExecutionJournal.ReadEvents(path);
        }
    }

    internal void Add(HistoryEvent e)
    {
        lock (_gate)
        {
            (_events ?? throw new InvalidOperationException($"{ExecutionArn} is finished: its history is closed")).Add(e);
        }
    }

    /// <summary>
    /// Drops the in-memory history of a finished execution whose every event is in its journal file:
    /// a long-running host would otherwise hold every deploy's history (hundreds of KiB each) for good.
    /// <see cref="Events"/> reads it back from the file, as GetExecutionHistory on AWS reads a store.
    /// </summary>
    internal void KeepHistoryOnDiskOnly(string journalPath)
    {
        lock (_gate)
        {
            _journalPath = journalPath;
            _events = null;
        }
    }

    internal void Complete(ExecutionStatus status, string? output, string? error, string? cause, DateTimeOffset stopDate)
    {
        Status = status;
        Output = output;
        Error = error;
        Cause = cause;
        StopDate = stopDate;
        _finished.TrySetResult();
    }

    /// <summary>Rebuilds the outcome from the last event of a journaled history.</summary>
    internal void CompleteFromHistory(HistoryEvent last)
    {
        var details = last.Details ?? new JsonObject();
        string? Text(string key) => details[key]?.GetValue<string>();
        switch (last.Type)
        {
            case "ExecutionSucceeded":
                Complete(ExecutionStatus.Succeeded, Text("output"), null, null, last.Timestamp);
                break;
            case "ExecutionFailed":
                Complete(ExecutionStatus.Failed, null, Text("error"), Text("cause"), last.Timestamp);
                break;
            case "ExecutionTimedOut":
                Complete(ExecutionStatus.TimedOut, null, Text("error"), Text("cause"), last.Timestamp);
                break;
            case "ExecutionAborted":
                Complete(ExecutionStatus.Aborted, null, Text("error"), Text("cause"), last.Timestamp);
                break;
        }
    }
}
