namespace Pipeline.Local.Stack;

/// <summary>
/// Pushes the working copy of an example service to its repository in the stack's git host: a
/// clone kept under the state directory gets the example's files, one commit, and a push to main,
/// which the post-receive hook turns into a CodeCommit event.
/// </summary>
internal static class ServicePusher
{
    private static readonly string[] Identity = ["-c", "user.name=Pipeline demo", "-c", "user.email=demo@pipeline.local"];

    public static async Task<string> PushAsync(
        string stateDirectory, string sourceDirectory, string service, string message, CancellationToken cancellationToken,
        Action<string>? edit = null, bool gitHubHosted = false)
    {
        if (!File.Exists(Path.Combine(sourceDirectory, "service.yaml")))
        {
            throw new StackFailureException($"{sourceDirectory} has no service.yaml: not a service to push");
        }

        var host = new LocalGitHost(stateDirectory);
        var bare = await host.CreateRepositoryAsync(service, cancellationToken);
        if (gitHubHosted)
        {
            host.MarkGitHubHosted(service);
        }

        var work = Path.Combine(Path.GetFullPath(stateDirectory), "workspaces", service);
        if (!Directory.Exists(Path.Combine(work, ".git")))
        {
            Directory.CreateDirectory(work);
            await Git(work, cancellationToken, "init", "--quiet", "--initial-branch=main");
            await Git(work, cancellationToken, "remote", "add", "origin", bare);
        }

        foreach (var entry in Directory.EnumerateFileSystemEntries(work).Where(e => Path.GetFileName(e) != ".git"))
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
        }

        Copy(sourceDirectory, work);
        edit?.Invoke(work);
        await Git(work, cancellationToken, "add", "--all");
        await Git(work, cancellationToken, [.. Identity, "commit", "--quiet", "--allow-empty", "-m", message]);
        var commit = (await Git(work, cancellationToken, "rev-parse", "HEAD")).Trim();
        await Git(work, cancellationToken, "push", "--quiet", "origin", "HEAD:refs/heads/main");
        return commit;
    }

    private static void Copy(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, directory);
            if (!Ignored(relative))
            {
                Directory.CreateDirectory(Path.Combine(to, relative));
            }
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (!Ignored(relative))
            {
                File.Copy(file, Path.Combine(to, relative), overwrite: true);
            }
        }
    }

    // Build outputs and dependencies are the build's business, not the source's.
    private static bool Ignored(string relative) =>
        relative.Split(Path.DirectorySeparatorChar) is var parts && parts.Any(p => p is "node_modules" or "dist" or ".git");

    private static Task<string> Git(string directory, CancellationToken cancellationToken, params string[] arguments) =>
        CommandRunner.RunCheckedAsync("git", arguments, directory, cancellationToken: cancellationToken);
}
