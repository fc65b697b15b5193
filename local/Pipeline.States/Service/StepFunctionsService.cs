using System.Collections.Concurrent;

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
    private readonly ConcurrentDictionary<string, RecordSink> _sinks = new(StringComparer.Ordinal);
    private readonly List<Interrupted> _interrupted = [];
    private volatile bool _closing;

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
        var file = _journal?.Create(execution, machine.Name, machine.DefinitionJson);
        Launch(execution, machine.Definition, inputNode, identity, file, null);
        return execution;
    }

    private void Launch(ExecutionRecord execution, StateMachineDefinition definition, JsonNode? inputNode, ExecutionIdentity identity,
        ExecutionFile? file, ExecutionResume? resume)
    {
        var checkpoints = file is null ? null : new CheckpointFile(CheckpointFile.PathFor(file.Path));
        var sink = new RecordSink(execution, file, checkpoints);
        _sinks[execution.ExecutionArn] = sink;
        var run = Task.Run(async () =>
        {
            try
            {
                var result = await _engine.RunAsync(definition, inputNode, identity, sink, checkpoints, resume, execution.Stop.Token);
                if (sink.Sealed)
                {
                    return; // the host stopped: the execution stays RUNNING in its journal, and the next host resumes it
                }
                var (error, cause) = result.Status == ExecutionStatus.Aborted && execution.StopReason is { } reason
                    ? reason
                    : (result.Error, result.Cause);
                // The journal is closed and the history left to it before the execution reports its end:
                // whoever awaits Finished reads a whole journal from a host that no longer holds it.
                if (file is not null)
                {
                    file.Dispose();
                    execution.KeepHistoryOnDiskOnly(file.Path);
                }
                execution.Complete(result.Status, result.Status == ExecutionStatus.Succeeded ? JsonValues.Serialize(result.Output) : null,
                    error, cause, Options.Clock.GetUtcNow());
                Raise(execution);
            }
            finally
            {
                _sinks.TryRemove(execution.ExecutionArn, out _);
                file?.Dispose();
                checkpoints?.Dispose();
            }
        });
        lock (_running)
        {
            _running.RemoveAll(t => t.IsCompleted);
            _running.Add(run);
        }
    }

    /// <summary>
    /// Runs again every execution a stopped host left RUNNING in the journal, from its checkpoints:
    /// what completed stays done, a Task in flight is retried as its service's error, Waits keep their
    /// deadlines. Call it once the integrations the executions use are up. Returns what it resumed.
    /// </summary>
    public IReadOnlyList<ExecutionRecord> ResumeInterrupted()
    {
        List<Interrupted> pending;
        lock (_interrupted)
        {
            pending = [.. _interrupted];
            _interrupted.Clear();
        }
        foreach (var (execution, definition, path, lastEvent) in pending)
        {
            var machine = Machine(execution.StateMachineArn);
            var identity = new ExecutionIdentity(machine.Arn, machine.Name, execution.ExecutionArn, execution.Name, execution.StartDate, machine.RoleArn);
            var cause = $"The host running this execution stopped after event {lastEvent.Id} ({lastEvent.Type}, {lastEvent.Timestamp:O}); " +
                        "a new host resumed it from its journal.";
            Launch(execution, definition, JsonValues.Parse(execution.Input), identity, new ExecutionFile(path, createNew: false),
                new ExecutionResume(lastEvent.Id, cause));
        }
        return [.. pending.Select(p => p.Execution)];
    }

    private sealed record Interrupted(ExecutionRecord Execution, StateMachineDefinition Definition, string Path, HistoryEvent LastEvent);

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
        foreach (var (header, last, path) in journal.LoadExecutions())
        {
            var execution = new ExecutionRecord(header["executionArn"]!.GetValue<string>(), header["stateMachineArn"]!.GetValue<string>(),
                header["name"]!.GetValue<string>(), DateTimeOffset.FromUnixTimeMilliseconds(header["startDate"]!.GetValue<long>()),
                header["input"]!.GetValue<string>());
            _executions[execution.ExecutionArn] = execution;
            HistoryEvent outcome;
            if (last is not null && last.Type.StartsWith("Execution", StringComparison.Ordinal) && last.Type is not ("ExecutionStarted" or "ExecutionResumed"))
            {
                outcome = last;
            }
            else if (last is not null && File.Exists(CheckpointFile.PathFor(path)) && _machines.TryGetValue(execution.StateMachineArn, out var machine))
            {
                // Cut off by a host stop: it stays RUNNING until ResumeInterrupted runs it on, its history in memory again.
                foreach (var e in ExecutionJournal.ReadEvents(path))
                {
                    execution.Add(e);
                }
                var definitionJson = header["definition"]?.GetValue<string>() ?? machine.DefinitionJson;
                _interrupted.Add(new Interrupted(execution, DefinitionParser.Parse(definitionJson), path, last));
                continue;
            }
            else
            {
                // Journaled without checkpoints, nothing can resume it: record that it did not finish rather than leave it RUNNING forever.
                using var file = new ExecutionFile(path, createNew: false);
                outcome = new HistoryEvent((last?.Id ?? 0) + 1, last?.Id ?? 0, Options.Clock.GetUtcNow(), "ExecutionAborted",
                    "executionAbortedEventDetails", StatesEngine.ErrorDetails("States.Runtime", "The local Step Functions service stopped while the execution was running."));
                file.Append(outcome);
            }
            // Finished: its outcome is its last event, its history stays in the file.
            execution.KeepHistoryOnDiskOnly(path);
            execution.CompleteFromHistory(outcome);
        }
    }

    /// <summary>
    /// Stops the host's part: running executions are cut off where they are and stay RUNNING in the
    /// journal (nothing they do while torn down is recorded), so the next service on it resumes them.
    /// Stopping one execution on request is <see cref="StopExecutionAsync"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_closing)
        {
            return;
        }
        _closing = true;
        Task[] running;
        lock (_running)
        {
            running = _running.ToArray();
        }
        foreach (var sink in _sinks.Values)
        {
            sink.Seal(sealJournal: _journal is not null);
        }
        foreach (var e in _executions.Values.Where(e => e.Status == ExecutionStatus.Running))
        {
            await e.Stop.CancelAsync();
        }
        await Task.WhenAll(running);
    }

    private sealed class RecordSink(ExecutionRecord execution, ExecutionFile? file, CheckpointFile? checkpoints) : IHistorySink
    {
        private volatile bool _sealed;

        public bool Sealed => _sealed;

        public void Append(HistoryEvent historyEvent)
        {
            file?.Append(historyEvent);
            if (!_sealed)
            {
                execution.Add(historyEvent);
            }
        }

        /// <summary>Without a journal nothing can resume the execution, so it still ends ABORTED as before.</summary>
        public void Seal(bool sealJournal)
        {
            if (!sealJournal)
            {
                return;
            }
            _sealed = true;
            file?.Seal();
            checkpoints?.Seal();
        }
    }
}
