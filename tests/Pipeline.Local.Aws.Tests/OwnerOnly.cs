namespace Pipeline.Local.Aws.Tests;

/// <summary>Secrets the local services keep on disk are their owner's alone (Windows has no Unix modes to check).</summary>
internal static class OwnerOnly
{
    public static void AssertFile(string path) =>
        AssertMode(UnixFileMode.UserRead | UnixFileMode.UserWrite, path);

    public static void AssertDirectory(string path) =>
        AssertMode(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, path);

    private static void AssertMode(UnixFileMode expected, string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(expected, File.GetUnixFileMode(path));
        }
    }
}
