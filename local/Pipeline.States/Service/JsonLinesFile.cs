namespace Pipeline.States.Service;

/// <summary>
/// An append-only file of JSON lines, each flushed as written so a SIGKILL loses at most the line
/// being written (readers skip a torn last line).
/// </summary>
internal sealed class JsonLinesFile(string path, FileMode mode) : IDisposable
{
    private readonly FileStream _stream = new(path, mode, FileAccess.Write, FileShare.Read);
    private readonly object _gate = new();
    private bool _sealed;

    public void AppendLine(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        lock (_gate)
        {
            if (_sealed)
            {
                return;
            }
            _stream.Write(bytes);
            _stream.Flush();
        }
    }

    /// <summary>
    /// Writes nothing more: the host is stopping, and what the execution does while it is torn down
    /// (a call failing because its service stopped first) must not become its record.
    /// </summary>
    public void Seal()
    {
        lock (_gate)
        {
            _sealed = true;
        }
    }

    public void Dispose() => _stream.Dispose();
}
