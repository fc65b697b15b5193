using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Pipeline.Local.Stack.Templates;
using Pipeline.States.Definition;
using Pipeline.States.Runtime;

namespace Pipeline.Local.Supervisor.Executions;

/// <summary>A state machine of the template, its definition rendered with DefinitionSubstitutions.</summary>
internal sealed record LocalStateMachine(string Name, string Arn, StateMachineDefinition Definition, string DefinitionText);

/// <summary>
/// Step Functions on one machine: starts executions of the template's state machines on the ASL
/// engine, journals each to disk, and answers what the Step Functions API asks about them.
/// </summary>
internal sealed class LocalStepFunctions
{
    private readonly StatesEngine _engine;
    private readonly string _journalRoot;
    private readonly StackContext _stack;
    private readonly Dictionary<string, LocalStateMachine> _machines;
    private readonly ConcurrentDictionary<string, ExecutionJournal> _executions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (Task Run, CancellationTokenSource Stop)> _running = new(StringComparer.Ordinal);

    public LocalStepFunctions(StatesEngine engine, IEnumerable<LocalStateMachine> machines, string journalRoot, StackContext stack)
    {
        _engine = engine;
        _journalRoot = journalRoot;
        _stack = stack;
        _machines = machines.ToDictionary(m => m.Arn, StringComparer.Ordinal);
        foreach (var journal in ExecutionJournal.LoadAll(journalRoot))
        {
            _executions[journal.ExecutionArn] = journal;
        }
    }

    /// <summary>Reports each execution's end (for the supervisor's log).</summary>
    public Action<JsonObject>? Finished { get; init; }

    public IReadOnlyCollection<LocalStateMachine> Machines => _machines.Values;

    public LocalStateMachine Machine(string arnOrName) =>
        _machines.TryGetValue(arnOrName, out var machine) ? machine
        : _machines.Values.FirstOrDefault(m => m.Name == arnOrName)
        ?? throw new StateMachineDoesNotExistException($"State Machine Does Not Exist: '{arnOrName}'");

    public JsonObject Start(string stateMachine, string? name, string? input)
    {
        var machine = Machine(stateMachine);
        name ??= Guid.NewGuid().ToString();
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(string.IsNullOrWhiteSpace(input) ? "{}" : input);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidExecutionInputException($"Invalid State Machine Execution Input: '{e.Message}'");
        }

        var started = DateTimeOffset.UtcNow;
        var identity = new ExecutionIdentity(
            machine.Arn, machine.Name,
            $"arn:{_stack.Partition}:states:{_stack.Region}:{_stack.AccountId}:execution:{machine.Name}:{name}",
            name, started, $"arn:{_stack.Partition}:iam::{_stack.AccountId}:role/{machine.Name}Role");
        var journal = ExecutionJournal.Create(_journalRoot, new JsonObject
        {
            ["executionArn"] = identity.ExecutionArn,
            ["stateMachineArn"] = machine.Arn,
            ["stateMachineName"] = machine.Name,
            ["name"] = name,
            ["status"] = "RUNNING",
            ["startDate"] = started.ToUnixTimeMilliseconds() / 1000.0,
            ["input"] = parsed?.ToJsonString() ?? "null",
        });
        _executions[identity.ExecutionArn] = journal;
        var stop = new CancellationTokenSource();
        var run = Task.Run(async () =>
        {
            ExecutionResult result;
            try
            {
                result = await _engine.RunAsync(machine.Definition, parsed, identity, journal, stop.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                result = new ExecutionResult(ExecutionStatus.Failed, null, "States.Runtime", $"The local engine failed: {e.Message}");
            }

            journal.Finish(result.Status switch
            {
                ExecutionStatus.Succeeded => "SUCCEEDED",
                ExecutionStatus.TimedOut => "TIMED_OUT",
                ExecutionStatus.Aborted => "ABORTED",
                _ => "FAILED",
            }, result.Output, result.Error, result.Cause);
            _running.TryRemove(identity.ExecutionArn, out _);
            stop.Dispose();
            Finished?.Invoke(journal.Summary());
        });
        _running[identity.ExecutionArn] = (run, stop);
        return new JsonObject
        {
            ["executionArn"] = identity.ExecutionArn,
            ["startDate"] = started.ToUnixTimeMilliseconds() / 1000.0,
        };
    }

    public JsonObject Describe(string executionArn) => Journal(executionArn).Summary();

    public IReadOnlyList<JsonObject> List(string? stateMachineArn) =>
        [.. _executions.Values
            .Where(e => stateMachineArn is null || e.StateMachineArn == stateMachineArn || Machine(stateMachineArn).Arn == e.StateMachineArn)
            .OrderByDescending(e => e.StartDate)
            .Select(e => e.Summary())];

    public JsonArray History(string executionArn) =>
        new([.. Journal(executionArn).Events().Select(e => (JsonNode)e.ToJson())]);

    public async Task StopAsync(string executionArn)
    {
        if (_running.TryGetValue(Journal(executionArn).ExecutionArn, out var running))
        {
            await running.Stop.CancelAsync();
            await running.Run;
        }
    }

    /// <summary>Stops every running execution (the stack is going down); each is journaled ABORTED.</summary>
    public async Task StopAllAsync()
    {
        foreach (var arn in _running.Keys.ToList())
        {
            await StopAsync(arn);
        }
    }

    private ExecutionJournal Journal(string executionArn) =>
        _executions.TryGetValue(executionArn, out var journal) ? journal
        : _executions.Values.FirstOrDefault(e => e.ExecutionArn.EndsWith(":" + executionArn, StringComparison.Ordinal))
        ?? throw new ExecutionDoesNotExistException($"Execution Does Not Exist: '{executionArn}'");
}

internal sealed class StateMachineDoesNotExistException(string message) : Exception(message);

internal sealed class ExecutionDoesNotExistException(string message) : Exception(message);

internal sealed class InvalidExecutionInputException(string message) : Exception(message);
