namespace Pipeline.Local.Aws.Processes;

/// <summary>
/// State that must survive a SIGKILL: written to a temporary file, flushed to disk, then renamed over
/// the old one, so a reader (the next <c>up</c>) finds either the old whole file or the new one.
/// </summary>
public static class WholeFile
{
    private static readonly System.Text.Encoding Utf8 = new System.Text.UTF8Encoding(false);

    public static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = $"{path}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            file.Write(Utf8.GetBytes(text));
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The file's text, or null when there is none yet.</summary>
    public static string? Read(string path) => File.Exists(path) ? File.ReadAllText(path, Utf8) : null;
}
