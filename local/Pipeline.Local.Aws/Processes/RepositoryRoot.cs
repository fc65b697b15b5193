namespace Pipeline.Local.Aws.Processes;

/// <summary>
/// The repository checkout (template.yaml, Pipeline.sln, .build/) the CLI, the tests and the
/// benchmarks run from: <c>PIPELINE_ROOT</c> when set (<c>./pipeline</c> sets it), else the first
/// folder above the running assembly that holds Pipeline.sln.
/// </summary>
public static class RepositoryRoot
{
    public const string Variable = "PIPELINE_ROOT";

    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    /// <summary>A path below the repository root, from forward-slash separated parts.</summary>
    public static string Combine(string relative)
    {
        ArgumentNullException.ThrowIfNull(relative);
        return System.IO.Path.Combine(Path, relative.Replace('/', System.IO.Path.DirectorySeparatorChar));
    }

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
        {
            return given;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No Pipeline.sln above {AppContext.BaseDirectory} and no {Variable}: run from inside the repository.");
    }
}
