using System.Text.Json.Nodes;
using Pipeline.States.History;

namespace Pipeline.Local.Supervisor.Executions;

/// <summary>
/// One execution on disk: <c>&lt;machine&gt;/&lt;name&gt;/execution.json</c> (status, input, output,
/// error, cause, dates) and <c>history.jsonl</c>, one event per line as GetExecutionHistory returns
/// it, appended as the engine records them. A stack restart reads them back, so past runs stay visible.
/// </summary>
internal sealed class ExecutionJournal : IHistorySink
{
    private readonly string _directory;
    private readonly List<HistoryEvent> _events = [];
    private readonly object _gate = new();
    private JsonObject _summary;

    private ExecutionJournal(string directory, JsonObject summary, List<HistoryEvent> events)
    {
        _directory = directory;
        _summary = summary;
        _events = events;
    }

    public string ExecutionArn => _summary["executionArn"]!.GetValue<string>();

    public string StateMachineArn => _summary["stateMachineArn"]!.GetValue<string>();

    public string Status => _summary["status"]!.GetValue<string>();

    public double StartDate => _summary["startDate"]!.GetValue<double>();

    public static ExecutionJournal Create(string root, JsonObject summary)
    {
        var directory = Path.Combine(root, summary["stateMachineName"]!.GetValue<string>(), summary["name"]!.GetValue<string>());
        if (Directory.Exists(directory))
        {
            throw new ExecutionAlreadyExistsException($"Execution Already Exists: '{summary["executionArn"]}'");
        }

        Directory.CreateDirectory(directory);
        var journal = new ExecutionJournal(directory, summary, []);
        journal.Save();
        return journal;
    }

    /// <summary>Reads every journaled execution; one left RUNNING by a stopped stack is marked ABORTED.</summary>
    public static IEnumerable<ExecutionJournal> LoadAll(string root)
    {
        if (!Directory.Exists(root))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(root, "execution.json", SearchOption.AllDirectories))
        {
            var directory = Path.GetDirectoryName(file)!;
            JsonObject summary;
            List<HistoryEvent> events;
            try
            {
                summary = (JsonObject)JsonNode.Parse(File.ReadAllText(file))!;
                var history = Path.Combine(directory, "history.jsonl");
                events = File.Exists(history)
                    ? [.. File.ReadLines(history).Where(l => l.Length > 0).Select(l => HistoryEvent.FromJson((JsonObject)JsonNode.Parse(l)!))]
                    : [];
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidCastException or IOException or NullReferenceException)
            {
                throw new StackFailureException(
                    $"the execution journal {file} is corrupt ({e.Message}); move that folder away to start the stack");
            }

            var journal = new ExecutionJournal(directory, summary, events);
            if (journal.Status == "RUNNING")
            {
                journal.Finish("ABORTED", null, null, "The local stack stopped while the execution was running.");
            }

            yield return journal;
        }
    }

    public JsonObject Summary()
    {
        lock (_gate)
        {
            return (JsonObject)_summary.DeepClone();
        }
    }

    public IReadOnlyList<HistoryEvent> Events()
    {
        lock (_gate)
        {
            return [.. _events];
        }
    }

    public void Append(HistoryEvent historyEvent)
    {
        ArgumentNullException.ThrowIfNull(historyEvent);
        lock (_gate)
        {
            _events.Add(historyEvent);
            File.AppendAllText(Path.Combine(_directory, "history.jsonl"), historyEvent.ToJson().ToJsonString() + "\n");
        }
    }

    public void Finish(string status, JsonNode? output, string? error, string? cause)
    {
        lock (_gate)
        {
            _summary = (JsonObject)_summary.DeepClone();
            _summary["status"] = status;
            _summary["stopDate"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
            if (output is not null)
            {
                _summary["output"] = output.ToJsonString();
            }

            if (error is not null)
            {
                _summary["error"] = error;
            }

            if (cause is not null)
            {
                _summary["cause"] = cause;
            }

            Save();
        }
    }

    private void Save()
    {
        var file = Path.Combine(_directory, "execution.json");
        File.WriteAllText(file + ".tmp", _summary.ToJsonString());
        File.Move(file + ".tmp", file, overwrite: true);
    }
}

internal sealed class ExecutionAlreadyExistsException(string message) : Exception(message);
