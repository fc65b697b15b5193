namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// A developer's clone of a service repository in the stack's git host: change files, commit, push
/// to main. The push goes through the repository's post-receive hook like any other.
/// </summary>
internal sealed class ServiceCheckout
{
    private static readonly string[] Identity = ["-c", "user.name=End-to-end test", "-c", "user.email=e2e@pipeline.local"];

    private ServiceCheckout(string directory) => Directory = directory;

    public string Directory { get; }

    /// <summary>Clones <c>&lt;state&gt;/git/&lt;service&gt;.git</c> into <paramref name="directory"/>.</summary>
    public static async Task<ServiceCheckout> CloneAsync(RunningStack stack, string service, string directory)
    {
        await CommandRunner.RunCheckedAsync(
            "git", ["clone", "--quiet", Path.Combine(stack.StateDirectory, "git", service + ".git"), directory]);
        return new ServiceCheckout(directory);
    }

    /// <summary>Rewrites one file, commits everything and pushes to main; returns the commit.</summary>
    public async Task<string> CommitAndPushAsync(string file, Func<string, string> edit, string message)
    {
        var path = Path.Combine(Directory, file);
        var before = await File.ReadAllTextAsync(path);
        var after = edit(before);
        Assert.True(after != before, $"the edit changed nothing in {file}");
        await File.WriteAllTextAsync(path, after);
        await Git([.. Identity, "commit", "--quiet", "--all", "-m", message]);
        await Git("push", "--quiet", "origin", "HEAD:refs/heads/main");
        return (await Git("rev-parse", "HEAD")).Trim();
    }

    private Task<string> Git(params string[] arguments) =>
        CommandRunner.RunCheckedAsync("git", arguments, Directory);
}
