namespace Pipeline.States.Service;

/// <summary>
/// An execution's checkpoints on disk, <c>EXECUTION.checkpoints</c> beside its history: one JSON line
/// per call, flushed before the engine goes on, so a SIGKILL loses at most the line being written.
/// </summary>
public sealed class CheckpointFile : InMemoryStateCheckpoints, IDisposable
{
    private readonly JsonLinesFile _lines;

    public CheckpointFile(string path)
    {
        if (File.Exists(path))
        {
            foreach (var line in File.ReadAllLines(path, Encoding.UTF8).Where(l => l.Length > 0))
            {
                try
                {
                    Apply(JsonValues.Parse(line)!.AsObject());
                }
                catch (System.Text.Json.JsonException)
                {
                    break; // a torn last line: the process stopped mid-write
                }
            }
        }
        _lines = new JsonLinesFile(path, FileMode.Append);
    }

    /// <summary>The checkpoints of the execution whose history is at <paramref name="historyPath"/>.</summary>
    public static string PathFor(string historyPath) => Path.ChangeExtension(historyPath, ".checkpoints");

    public override void Entered(string key, DateTimeOffset at, long eventId)
    {
        base.Entered(key, at, eventId);
        var line = Line(key, "entered");
        line["at"] = at.ToUnixTimeMilliseconds();
        line["ev"] = eventId;
        Write(line);
    }

    public override void Exited(string key, JsonNode? output, string? nextState, long eventId)
    {
        base.Exited(key, output, nextState, eventId);
        var line = Line(key, "exited");
        line["out"] = output?.DeepClone();
        line["next"] = nextState;
        line["ev"] = eventId;
        Write(line);
    }

    public override void Attempted(string key)
    {
        base.Attempted(key);
        Write(Line(key, "attempted"));
    }

    public override void Retried(string key, int retrier)
    {
        base.Retried(key, retrier);
        var line = Line(key, "retried");
        line["r"] = retrier;
        Write(line);
    }

    private void Write(JsonObject line) => _lines.AppendLine(line.ToJsonString());

    /// <summary>Writes nothing more: the host is stopping (see <see cref="JsonLinesFile.Seal"/>).</summary>
    public void Seal() => _lines.Seal();

    public void Dispose() => _lines.Dispose();
}
