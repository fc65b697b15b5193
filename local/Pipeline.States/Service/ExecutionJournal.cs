namespace Pipeline.States.Service;

/// <summary>
/// Keeps state machines and executions on disk so they survive a restart:
/// <c>state-machines/NAME.json</c>, and one append-only JSON-lines file per execution,
/// <c>executions/STATE_MACHINE/EXECUTION.jsonl</c>: a header line, then one history event per line.
/// </summary>
public sealed class ExecutionJournal(string root)
{
    private static readonly Encoding Utf8 = new UTF8Encoding(false);

    public string Root { get; } = root;

    public void SaveStateMachine(StateMachineRecord machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        var dir = Directory.CreateDirectory(Path.Combine(Root, "state-machines")).FullName;
        var json = new JsonObject
        {
            ["name"] = machine.Name,
            ["stateMachineArn"] = machine.Arn,
            ["roleArn"] = machine.RoleArn,
            ["creationDate"] = machine.CreationDate.ToUnixTimeMilliseconds(),
            ["definition"] = machine.DefinitionJson,
        };
        var path = Path.Combine(dir, machine.Name + ".json");
        var temp = path + ".tmp";
        File.WriteAllText(temp, json.ToJsonString(), Utf8);
        File.Move(temp, path, overwrite: true);
    }

    public IEnumerable<JsonObject> LoadStateMachines()
    {
        var dir = Path.Combine(Root, "state-machines");
        if (!Directory.Exists(dir))
        {
            yield break;
        }
        foreach (var file in Directory.GetFiles(dir, "*.json").Order(StringComparer.Ordinal))
        {
            yield return JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        }
    }

    /// <summary>Creates the execution's file with its header line and returns a sink that appends its events.</summary>
    public ExecutionFile Create(ExecutionRecord execution, string stateMachineName, string? definitionJson = null)
    {
        ArgumentNullException.ThrowIfNull(execution);
        var dir = Directory.CreateDirectory(Path.Combine(Root, "executions", stateMachineName)).FullName;
        var path = Path.Combine(dir, execution.Name + ".jsonl");
        var header = new JsonObject
        {
            ["executionArn"] = execution.ExecutionArn,
            ["stateMachineArn"] = execution.StateMachineArn,
            ["name"] = execution.Name,
            ["startDate"] = execution.StartDate.ToUnixTimeMilliseconds(),
            ["input"] = execution.Input,
        };
        if (definitionJson is not null)
        {
            // The definition it started with, which a resumed run keeps even if the machine was updated since.
            header["definition"] = definitionJson;
        }
        var file = new ExecutionFile(path, createNew: true);
        file.AppendLine(header.ToJsonString());
        return file;
    }

    /// <summary>Reads every journaled execution: its header and its events, skipping a torn last line.</summary>
    public IEnumerable<(JsonObject Header, List<HistoryEvent> Events, string Path)> LoadExecutions()
    {
        var dir = Path.Combine(Root, "executions");
        if (!Directory.Exists(dir))
        {
            yield break;
        }
        foreach (var file in Directory.GetFiles(dir, "*.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var lines = Lines(file);
            if (lines.Count == 0)
            {
                continue;
            }
            yield return (JsonNode.Parse(lines[0])!.AsObject(), Events(lines), file);
        }
    }

    /// <summary>The events of one execution's file (what follows its header), skipping a torn last line.</summary>
    public static List<HistoryEvent> ReadEvents(string path) => Events(Lines(path));

    // An execution's file stays open for appending while it runs: read it without asking for it alone.
    private static List<string> Lines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream, Utf8);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                lines.Add(line);
            }
        }
        return lines;
    }

    private static List<HistoryEvent> Events(List<string> lines)
    {
        var events = new List<HistoryEvent>();
        foreach (var line in lines.Skip(1))
        {
            try
            {
                events.Add(HistoryEvent.FromJson(JsonValues.Parse(line)!.AsObject()));
            }
            catch (System.Text.Json.JsonException)
            {
                break; // the process stopped mid-write: everything before this line is intact
            }
        }
        return events;
    }
}

/// <summary>One execution's journal file, appended to a line at a time.</summary>
public sealed class ExecutionFile : IHistorySink, IDisposable
{
    private readonly JsonLinesFile _lines;

    public ExecutionFile(string path, bool createNew)
    {
        Path = path;
        _lines = new JsonLinesFile(path, createNew ? FileMode.CreateNew : FileMode.Append);
    }

    public string Path { get; }

    public void Append(HistoryEvent historyEvent)
    {
        ArgumentNullException.ThrowIfNull(historyEvent);
        AppendLine(historyEvent.ToJson().ToJsonString());
    }

    internal void AppendLine(string line) => _lines.AppendLine(line);

    /// <summary>Writes nothing more: the host is stopping (see <see cref="JsonLinesFile.Seal"/>).</summary>
    public void Seal() => _lines.Seal();

    public void Dispose() => _lines.Dispose();
}
