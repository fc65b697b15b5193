namespace Pipeline.Local.Aws.Tests.CodeCommit;

/// <summary>A real clone of a bare repository, for pushing commits the way a developer does.</summary>
internal sealed class WorkingCopy
{
    private static readonly Dictionary<string, string?> Identity = new()
    {
        ["GIT_AUTHOR_NAME"] = "Test",
        ["GIT_AUTHOR_EMAIL"] = "test@example.com",
        ["GIT_COMMITTER_NAME"] = "Test",
        ["GIT_COMMITTER_EMAIL"] = "test@example.com",
    };

    private WorkingCopy(string path) => Path = path;

    public string Path { get; }

    public static async Task<WorkingCopy> CloneAsync(string remote, string path)
    {
        await CommandRunner.RunCheckedAsync("git", ["clone", "--quiet", remote, path]);
        await GitAsync(path, "checkout", "--quiet", "-B", "main");
        return new WorkingCopy(path);
    }

    public async Task<string> CommitAsync(string message, IReadOnlyDictionary<string, string> files)
    {
        foreach (var (name, content) in files)
        {
            var full = System.IO.Path.Combine(Path, name);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, content);
        }

        await GitAsync(Path, "add", "-A");
        await GitAsync(Path, "commit", "--quiet", "-m", message);
        return (await GitAsync(Path, "rev-parse", "HEAD")).Trim();
    }

    public Task<string> GitAsync(params string[] arguments) => GitAsync(Path, arguments);

    private static Task<string> GitAsync(string path, params string[] arguments) =>
        CommandRunner.RunCheckedAsync("git", arguments, path, Identity);
}
