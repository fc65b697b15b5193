using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pipeline.States.Definition;
using Pipeline.States.History;
using Pipeline.States.Json;
using Pipeline.States.Runtime;

namespace Pipeline.States.Service;

/// <summary>
/// The local Step Functions service: registers state machines, starts executions in the background,
/// and answers Describe/Stop/List/GetExecutionHistory. With a journal, everything survives a restart.
/// </summary>
public sealed partial class StepFunctionsService : IAsyncDisposable
{
    /// <summary>An execution's input, counted in UTF-8 bytes, is at most 256 KiB on AWS.</summary>
    public const int MaxPayloadBytes = 262144;

    private readonly StatesEngine _engine;
    private readonly ExecutionJournal? _journal;
    private readonly ConcurrentDictionary<string, StateMachineRecord> _machines = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ExecutionRecord> _executions = new(StringComparer.Ordinal);
    private readonly List<Task> _running = [];

    public StepFunctionsService(StatesEngine engine, ExecutionJournal? journal = null)
    {
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));
        _journal = journal;
        if (journal is not null)
        {
            Restore(journal);
        }
    }

    private EngineOptions Options => _engine.Options;

    /// <summary>
    /// Raised when an execution starts (RUNNING) and when it ends, as Step Functions puts an "Execution
    /// Status Change" event on EventBridge; an answer StartExecution gives again for a running execution
    /// raises nothing. Handlers must not block: they run on the execution's thread.
    /// </summary>
    public event Action<ExecutionRecord>? StatusChanged;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,80}$")]
    private static partial Regex ValidName();

    public StateMachineRecord CreateStateMachine(string name, string definitionJson, string? roleArn = null)
    {
        if (name is null || !ValidName().IsMatch(name))
        {
            throw new StepFunctionsException("InvalidName", $"Invalid Name: '{name}' (1 to 80 letters, digits, '-' or '_')");
        }
        StateMachineDefinition definition;
        try
        {
            definition = DefinitionParser.Parse(definitionJson ?? "");
        }
        catch (InvalidDefinitionException e)
        {
            throw new StepFunctionsException("InvalidDefinition", e.Message);
        }
        var arn = $"arn:aws:states:{Options.Region}:{Options.Account}:stateMachine:{name}";
        var record = new StateMachineRecord(name, arn, definitionJson!, roleArn ?? $"arn:aws:iam::{Options.Account}:role/StepFunctionsLocal",
            Options.Clock.GetUtcNow(), definition);
        if (_machines.TryGetValue(arn, out var existing))
        {
            if (existing.DefinitionJson != definitionJson)
            {
                throw new StepFunctionsException("StateMachineAlreadyExists", $"State Machine Already Exists: '{arn}'");
            }
            return existing;
        }
        _machines[arn] = record;
        _journal?.SaveStateMachine(record);
        return record;
    }

    /// <summary>Replaces a state machine's definition; executions already started keep the old one.</summary>
    public StateMachineRecord UpdateStateMachine(string stateMachineArn, string definitionJson)
    {
        var existing = Machine(stateMachineArn);
        StateMachineDefinition definition;
        try
        {
            definition = DefinitionParser.Parse(definitionJson ?? "");
        }
        catch (InvalidDefinitionException e)
        {
            throw new StepFunctionsException("InvalidDefinition", e.Message);
        }
        var updated = existing with { DefinitionJson = definitionJson!, Definition = definition };
        _machines[existing.Arn] = updated;
        _journal?.SaveStateMachine(updated);
        return updated;
    }

    public IReadOnlyList<StateMachineRecord> ListStateMachines() =>
        _machines.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToList();

    public StateMachineRecord DescribeStateMachine(string stateMachineArn) => Machine(stateMachineArn);

    public ExecutionRecord StartExecution(string stateMachineArn, string? name = null, string? input = null)
    {
        var machine = Machine(stateMachineArn);
        name ??= Guid.NewGuid().ToString();
        if (!ValidName().IsMatch(name))
        {
            throw new StepFunctionsException("InvalidName", $"Invalid Name: '{name}' (1 to 80 letters, digits, '-' or '_')");
        }
        input ??= "{}";
        if (System.Text.Encoding.UTF8.GetByteCount(input) > MaxPayloadBytes)
        {
            throw new StepFunctionsException("ValidationException",
                $"1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to {MaxPayloadBytes}");
        }
        JsonNode? inputNode;
        try
        {
            inputNode = JsonValues.Parse(input);
        }
        catch (JsonException e)
        {
            throw new StepFunctionsException("InvalidExecutionInput", $"Invalid State Machine Execution Input: '{e.Message}'");
        }
        var startDate = Options.Clock.GetUtcNow();
        var identity = new ExecutionIdentity(machine.Arn, machine.Name,
            $"arn:aws:states:{Options.Region}:{Options.Account}:execution:{machine.Name}:{name}", name, startDate, machine.RoleArn);
        var execution = new ExecutionRecord(identity.ExecutionArn, machine.Arn, name, startDate, input);
        if (!_executions.TryAdd(execution.ExecutionArn, execution))
        {
            // AWS: the name and input of an open execution is the same request again and answers that
            // execution; another input, or a closed execution, keeps the name taken for 90 days.
            var existing = _executions[execution.ExecutionArn];
            return existing.Status == ExecutionStatus.Running && string.Equals(existing.Input, input, StringComparison.Ordinal)
                ? existing
                : throw new StepFunctionsException("ExecutionAlreadyExists", $"Execution Already Exists: '{execution.ExecutionArn}'");
        }
        Raise(execution);
        var file = _journal?.Create(execution, machine.Name);
        var sink = new RecordSink(execution, file);
        var run = Task.Run(async () =>
        {
            try
            {
                var result = await _engine.RunAsync(machine.Definition, inputNode, identity, sink, execution.Stop.Token);
                var (error, cause) = result.Status == ExecutionStatus.Aborted && execution.StopReason is { } reason
                    ? reason
                    : (result.Error, result.Cause);
                execution.Complete(result.Status, result.Status == ExecutionStatus.Succeeded ? JsonValues.Serialize(result.Output) : null,
                    error, cause, Options.Clock.GetUtcNow());
                Raise(execution);
            }
            finally
            {
                file?.Dispose();
            }
        });
        lock (_running)
        {
            _running.RemoveAll(t => t.IsCompleted);
            _running.Add(run);
        }
        return execution;
    }

    private void Raise(ExecutionRecord execution)
    {
        try
        {
            StatusChanged?.Invoke(execution);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A listener's fault never changes an execution, as EventBridge delivery never does on AWS.
        }
    }

    public ExecutionRecord DescribeExecution(string executionArn) =>
        _executions.TryGetValue(executionArn ?? "", out var e)
            ? e
            : throw new StepFunctionsException("ExecutionDoesNotExist", $"Execution Does Not Exist: '{executionArn}'");

    public async Task<ExecutionRecord> StopExecutionAsync(string executionArn, string? error = null, string? cause = null)
    {
        var execution = DescribeExecution(executionArn);
        if (execution.Status == ExecutionStatus.Running)
        {
            execution.StopReason = (error, cause);
            await execution.Stop.CancelAsync();
            await execution.Finished;
        }
        return execution;
    }

    public IReadOnlyList<ExecutionRecord> ListExecutions(string stateMachineArn, ExecutionStatus? status = null)
    {
        var machine = Machine(stateMachineArn);
        return _executions.Values
            .Where(e => e.StateMachineArn == machine.Arn && (status is null || e.Status == status))
            .OrderByDescending(e => e.StartDate)
            .ToList();
    }

    public IReadOnlyList<HistoryEvent> GetExecutionHistory(string executionArn) => DescribeExecution(executionArn).Events;

    private StateMachineRecord Machine(string stateMachineArn) =>
        _machines.TryGetValue(stateMachineArn ?? "", out var m)
            ? m
            : throw new StepFunctionsException("StateMachineDoesNotExist", $"State Machine Does Not Exist: '{stateMachineArn}'");

    private void Restore(ExecutionJournal journal)
    {
        foreach (var m in journal.LoadStateMachines())
        {
            var json = m["definition"]!.GetValue<string>();
            var record = new StateMachineRecord(m["name"]!.GetValue<string>(), m["stateMachineArn"]!.GetValue<string>(), json,
                m["roleArn"]!.GetValue<string>(), DateTimeOffset.FromUnixTimeMilliseconds(m["creationDate"]!.GetValue<long>()),
                DefinitionParser.Parse(json));
            _machines[record.Arn] = record;
        }
        foreach (var (header, events, path) in journal.LoadExecutions())
        {
            var execution = new ExecutionRecord(header["executionArn"]!.GetValue<string>(), header["stateMachineArn"]!.GetValue<string>(),
                header["name"]!.GetValue<string>(), DateTimeOffset.FromUnixTimeMilliseconds(header["startDate"]!.GetValue<long>()),
                header["input"]!.GetValue<string>());
            foreach (var e in events)
            {
                execution.Add(e);
            }
            if (events.Count == 0 || !events[^1].Type.StartsWith("Execution", StringComparison.Ordinal) || events[^1].Type == "ExecutionStarted")
            {
                // The service stopped while this execution ran: record that it did not finish rather than leave it RUNNING forever.
                using var file = new ExecutionFile(path, createNew: false);
                var aborted = new HistoryEvent(events.Count + 1, events.Count == 0 ? 0 : events[^1].Id, Options.Clock.GetUtcNow(), "ExecutionAborted",
                    "executionAbortedEventDetails", StatesEngine.ErrorDetails("States.Runtime", "The local Step Functions service stopped while the execution was running."));
                file.Append(aborted);
                execution.Add(aborted);
            }
            execution.CompleteFromHistory();
            _executions[execution.ExecutionArn] = execution;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task[] running;
        lock (_running)
        {
            running = _running.ToArray();
        }
        foreach (var e in _executions.Values.Where(e => e.Status == ExecutionStatus.Running))
        {
            await e.Stop.CancelAsync();
        }
        await Task.WhenAll(running);
    }

    private sealed class RecordSink(ExecutionRecord execution, ExecutionFile? file) : IHistorySink
    {
        public void Append(HistoryEvent historyEvent)
        {
            file?.Append(historyEvent);
            execution.Add(historyEvent);
        }
    }
}
