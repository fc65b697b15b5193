namespace Pipeline.Local.Aws.Processes;

/// <summary>
/// Files that hold secrets: readable by their owner only from the moment they exist (the mode is
/// set when the file is created, before any byte is written), written whole and renamed into
/// place, so a reader never sees half of one.
/// </summary>
public static class OwnerOnlyFile
{
    public static void Write(string path, string text, bool overwrite)
    {
        var temporary = path + ".tmp";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(temporary, options))
        {
            file.Write(System.Text.Encoding.UTF8.GetBytes(text));
        }

        File.Move(temporary, path, overwrite);
    }
}
