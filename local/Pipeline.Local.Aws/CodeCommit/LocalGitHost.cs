using Pipeline.Local.Aws.EventBridge;

namespace Pipeline.Local.Aws.CodeCommit;

/// <summary>
/// Bare git repositories under the state directory, each with a post-receive hook. The hook only
/// drops the pushed reference lines into an inbox folder (an atomic rename), and the host turns
/// them into reference changes. A file drop rather than an HTTP call means a push is never lost:
/// when the stack is down, is restarting, or is slow, the push still succeeds and its event is
/// delivered as soon as the host drains the inbox.
/// </summary>
public sealed partial class LocalGitHost
{
    private const string PushSuffix = ".push";

    public LocalGitHost(string stateDirectory)
    {
        Root = Path.GetFullPath(Path.Combine(stateDirectory, "git"));
        Inbox = Path.Combine(Root, "inbox");
        Failed = Path.Combine(Root, "failed");
        Directory.CreateDirectory(Inbox);
        Directory.CreateDirectory(Failed);
    }

    public string Root { get; }

    /// <summary>Where hooks drop pushes not yet delivered.</summary>
    public string Inbox { get; }

    /// <summary>Pushes whose delivery failed, each beside a <c>.error</c> file saying why.</summary>
    public string Failed { get; }

    public IReadOnlyList<string> Repositories =>
        [.. Directory.EnumerateDirectories(Root, "*.git").Select(d => Path.GetFileName(d)[..^4]).Order(StringComparer.Ordinal)];

    public string RepositoryPath(string name) => Path.Combine(Root, ValidName(name) + ".git");

    /// <summary>Creates the bare repository (default branch <c>main</c>) or, if it exists, refreshes its hook.</summary>
    public async Task<string> CreateRepositoryAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = RepositoryPath(name);
        if (!Directory.Exists(Path.Combine(path, "refs")))
        {
            await CommandRunner.RunCheckedAsync(
                "git", ["init", "--quiet", "--bare", "--initial-branch=main", path], cancellationToken: cancellationToken);
        }

        InstallHook(path, name);
        return path;
    }

    /// <summary>Marks repository <paramref name="name"/> as hosted on GitHub: its pushes arrive as GitHub webhooks from then on.</summary>
    public void MarkGitHubHosted(string name) =>
        File.WriteAllText(Path.Combine(RepositoryPath(name), GitHubWebhooks.MarkerFile), "pushes to this repository are delivered as GitHub webhooks\n");

    public bool IsGitHubHosted(string name) => File.Exists(Path.Combine(RepositoryPath(name), GitHubWebhooks.MarkerFile));

    /// <summary>Delivers every queued push, oldest first, and returns what was delivered.</summary>
    public async Task<IReadOnlyList<ReferenceChange>> DrainAsync(
        Func<ReferenceChange, CancellationToken, Task> deliver, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliver);
        var delivered = new List<ReferenceChange>();
        foreach (var file in Directory.EnumerateFiles(Inbox, "*" + PushSuffix).Order(StringComparer.Ordinal))
        {
            var changes = ParsePush(await File.ReadAllTextAsync(file, cancellationToken), file);
            try
            {
                foreach (var change in changes)
                {
                    await deliver(change, cancellationToken);
                    delivered.Add(change);
                }

                File.Delete(file);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var target = Path.Combine(Failed, Path.GetFileName(file));
                File.Move(file, target, overwrite: true);
                await File.WriteAllTextAsync(target + ".error", e.ToString(), cancellationToken);
            }
        }

        return delivered;
    }

    /// <summary>
    /// Delivers pushes until cancelled: woken by a file-system watcher, with a periodic sweep as a
    /// safety net because watchers can miss events (overflow, some file systems).
    /// </summary>
    public async Task RunAsync(
        Func<ReferenceChange, CancellationToken, Task> deliver, TimeSpan sweepInterval, CancellationToken cancellationToken)
    {
        using var signal = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(Inbox, "*" + PushSuffix) { EnableRaisingEvents = true };
        watcher.Renamed += (_, _) => signal.Release();
        watcher.Created += (_, _) => signal.Release();
        while (!cancellationToken.IsCancellationRequested)
        {
            await DrainAsync(deliver, cancellationToken);
            try
            {
                await signal.WaitAsync(sweepInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    internal static IReadOnlyList<ReferenceChange> ParsePush(string text, string source)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0 || !lines[0].StartsWith("repository ", StringComparison.Ordinal))
        {
            throw new FormatException($"{source}: the first line must name the repository");
        }

        var repository = lines[0]["repository ".Length..];
        return [.. lines.Skip(1).Select(line => line.Split(' ') is [var oldId, var newId, var reference]
            ? new ReferenceChange(repository, oldId, newId, reference)
            : throw new FormatException($"{source}: '{line}' is not '<old> <new> <ref>'"))];
    }

    private void InstallHook(string repositoryPath, string name)
    {
        var hook = Path.Combine(repositoryPath, "hooks", "post-receive");
        var script = $$"""
            #!/bin/sh
            # Queues this push for the local Pipeline stack, which turns each reference into a
            # CodeCommit event. Writing to a temporary name and renaming makes the drop atomic.
            set -e
            inbox='{{Inbox}}'
            stamp=$(date +%s%N)
            tmp="$inbox/.$stamp-$$.tmp"
            { printf 'repository %s\n' '{{name}}'; cat; } > "$tmp"
            mv "$tmp" "$inbox/$stamp-$$.push"
            """.Replace("\r", "", StringComparison.Ordinal);
        File.WriteAllText(hook, script + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(hook, (UnixFileMode)Convert.ToInt32("755", 8));
        }
    }

    private static string ValidName(string name) =>
        RepositoryName().IsMatch(name) && !name.EndsWith(".git", StringComparison.Ordinal)
            ? name
            : throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"repository name '{name}' must be 1-100 letters, digits, '.', '_' or '-'"),
                nameof(name));

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,100}$")]
    private static partial Regex RepositoryName();
}
