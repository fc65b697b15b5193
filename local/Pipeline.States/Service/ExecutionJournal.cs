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

    /// <summary>
    /// Reads every journaled execution's header and last event, not the events between: restoring a finished
    /// execution needs only its outcome, and a long-lived state directory holds thousands of histories.
    /// </summary>
    public IEnumerable<JournaledExecution> LoadExecutions()
    {
        var dir = Path.Combine(Root, "executions");
        if (!Directory.Exists(dir))
        {
            yield break;
        }
        foreach (var file in Directory.GetFiles(dir, "*.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var stream = OpenShared(file);
            using var reader = new StreamReader(stream, Utf8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
            if (reader.ReadLine() is not { Length: > 0 } header)
            {
                continue;
            }
            var last = LastEvent(stream, Utf8.GetByteCount(header) + 1);
            yield return new JournaledExecution(JsonNode.Parse(header)!.AsObject(), last, file);
        }
    }

    /// <summary>The events of one execution's file (what follows its header), skipping a torn last line.</summary>
    public static List<HistoryEvent> ReadEvents(string path) => Events(Lines(path));

    // An execution's file stays open for appending while it runs: read it without asking for it alone.
    private static FileStream OpenShared(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);

    /// <summary>
    /// The last event of a file whose events start at byte <paramref name="start"/>, read back from its end a
    /// block at a time. A last line that does not parse was torn by a stop mid-write: the one before it counts.
    /// </summary>
    private static HistoryEvent? LastEvent(FileStream stream, long start)
    {
        const int Block = 64 * 1024;
        var tail = Array.Empty<byte>();
        for (var from = stream.Length; from > start;)
        {
            var size = (int)Math.Min(Block, from - start);
            from -= size;
            var block = new byte[size];
            stream.Position = from;
            stream.ReadExactly(block);
            tail = [.. block, .. tail];
            var lines = Utf8.GetString(tail).Split('\n');
            // The first piece is a whole line only once the read reached the first event.
            for (var i = lines.Length - 1; i >= (from == start ? 0 : 1); i--)
            {
                if (lines[i].Length > 0 && Event(lines[i]) is { } last)
                {
                    return last;
                }
            }
        }
        return null;
    }

    private static HistoryEvent? Event(string line)
    {
        try
        {
            return HistoryEvent.FromJson(JsonValues.Parse(line)!.AsObject());
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static List<string> Lines(string path)
    {
        using var stream = OpenShared(path);
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
            if (Event(line) is not { } e)
            {
                break; // the process stopped mid-write: everything before this line is intact
            }
            events.Add(e);
        }
        return events;
    }
}

/// <summary>A journaled execution as a restart reads it: its header line and its last event (null before the first).</summary>
public sealed record JournaledExecution(JsonObject Header, HistoryEvent? LastEvent, string Path);

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
