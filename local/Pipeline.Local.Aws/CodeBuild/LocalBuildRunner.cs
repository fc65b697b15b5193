using Pipeline.Local.Aws.CloudFormation;

namespace Pipeline.Local.Aws.CodeBuild;

/// <summary>What <c>codebuild:startBuild.sync</c> needs: start a build and wait for it to finish.</summary>
public interface IBuildService
{
    Task<BuildRun> StartBuildSyncAsync(StartBuildRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// Runs CodeBuild builds on this machine: a clean clone of the commit, the buildspec phases in one
/// shell with CodeBuild's environment variables, the files the buildspec's artifacts select
/// uploaded where StartBuild's <c>ArtifactsOverride</c> says (or, without one, zipped into the
/// project's layout with the service manifest), and the log and Build record kept under
/// <c>{state}/builds/{project}/{id}/</c>.
/// </summary>
public sealed class LocalBuildRunner : IBuildService
{
    private const int TailLines = 40;
    private readonly string _root;
    private readonly IReadOnlyDictionary<string, BuildProject> _projects;
    private readonly IBuildSources _sources;
    private readonly IArtifactBucket _store;
    private readonly StackContext _stack;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, object> _counterLocks = new(StringComparer.Ordinal);

    public LocalBuildRunner(
        string stateDirectory, IEnumerable<BuildProject> projects, IBuildSources sources, IArtifactBucket store,
        StackContext stack, TimeProvider? time = null)
    {
        _root = Path.GetFullPath(Path.Combine(stateDirectory, "builds"));
        _projects = projects.ToDictionary(p => p.Name, StringComparer.Ordinal);
        _sources = sources;
        _store = store;
        _stack = stack;
        _time = time ?? TimeProvider.System;
    }

    public async Task<BuildRun> StartBuildSyncAsync(StartBuildRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var project = _projects.GetValueOrDefault(request.ProjectName)
            ?? throw new BuildProjectNotFoundException($"ProjectName: no build project named '{request.ProjectName}'");
        var (repository, repositoryPath) = _sources.Resolve(request.SourceLocationOverride ?? project.SourceLocation);
        var uuid = Guid.NewGuid().ToString();
        var directory = Path.Combine(_root, project.Name, uuid);
        Directory.CreateDirectory(directory);
        var context = new BuildContext(
            project, request, repository, repositoryPath, $"{project.Name}:{uuid}", NextBuildNumber(project.Name),
            directory, _time);
        await context.LogAsync($"Waiting for agent ping\n[Container] {context.Stamp()} Build {context.Id} for {repository} at {request.SourceVersion ?? "HEAD"}");

        using var timeout = new CancellationTokenSource(
            request.TimeoutInMinutesOverride is { } minutes ? TimeSpan.FromMinutes(minutes) : project.Timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var execution = new BuildExecution(context, _store, _stack);
        try
        {
            await execution.RunAsync(linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await context.FailCurrentAsync("TIMED_OUT", "BUILD_TIMED_OUT", "Build timed out");
        }

        return await FinishAsync(context);
    }

    private async Task<BuildRun> FinishAsync(BuildContext context)
    {
        context.Complete();
        var build = context.ToBuild(_stack);
        await context.LogAsync($"Phase complete: {build.CurrentPhase} Build status: {build.BuildStatus}");
        await File.WriteAllTextAsync(
            Path.Combine(context.Directory, "build.json"),
            JsonSerializer.Serialize(build, BuildJsonContext.Default.Build));
        var lines = await File.ReadAllLinesAsync(context.LogPath);
        return new BuildRun(build, context.LogPath, string.Join('\n', Tail(lines, build)));
    }

    // For a failed build the tail ends where the first failing phase ends: that is where the
    // test output is, not in the upload and finalizing lines that follow it.
    private static IEnumerable<string> Tail(string[] lines, Build build)
    {
        var failed = build.Phases.FirstOrDefault(p => p.PhaseStatus is not (null or "SUCCEEDED"));
        if (failed is not null)
        {
            var end = Array.FindIndex(lines, l => l.Contains($"Phase complete: {failed.PhaseType} State:", StringComparison.Ordinal));
            if (end >= 0)
            {
                return lines.Take(Math.Min(end + 2, lines.Length)).TakeLast(TailLines);
            }
        }

        return lines.TakeLast(TailLines);
    }

    // A per-project counter that survives restarts, like CodeBuild's buildNumber.
    private long NextBuildNumber(string project)
    {
        lock (_counterLocks.GetOrAdd(project, _ => new object()))
        {
            var file = Path.Combine(_root, project, "build-number");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var next = (File.Exists(file) ? long.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture) : 0) + 1;
            File.WriteAllText(file, next.ToString(CultureInfo.InvariantCulture));
            return next;
        }
    }

    internal static async Task<string> Sha256Async(string path)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
    }

    internal static Task<string> GitAsync(string? directory, CancellationToken cancellationToken, params string[] arguments) =>
        CommandRunner.RunCheckedAsync("git", arguments, directory, cancellationToken: cancellationToken);
}
