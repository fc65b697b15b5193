namespace Pipeline.Local.Commands;

/// <summary>Options every stack command shares.</summary>
internal static class StackOptions
{
    public static Option<string> StateDirectory() => new("--state-dir")
    {
        Description = "Where the stack keeps its state (registry, artifacts, repositories, executions, logs)",
        DefaultValueFactory = _ => Path.Combine(RepositoryRoot.Path, ".pipeline"),
    };

    public static int Fail(string command, string message)
    {
        Console.Error.WriteLine($"pipeline {command}: {message}");
        return 1;
    }
}
