namespace Pipeline.Testing;

/// <summary>Finds the repository checkout the tests run from, whatever their output folder.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    /// <summary>A path below the repository root, from forward-slash separated parts.</summary>
    public static string Combine(string relative) =>
        System.IO.Path.Combine(Path, relative.Replace('/', System.IO.Path.DirectorySeparatorChar));

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No Pipeline.sln above {AppContext.BaseDirectory}: tests must run from inside the repository.");
    }
}
