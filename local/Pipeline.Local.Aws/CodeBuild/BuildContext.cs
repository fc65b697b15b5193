using Pipeline.Local.Aws.CloudFormation;

namespace Pipeline.Local.Aws.CodeBuild;

/// <summary>The mutable record of one build while it runs: phases, status, log.</summary>
internal sealed class BuildContext(
    BuildProject project, StartBuildRequest request, string repository, string repositoryPath, string id, long number,
    string directory, TimeProvider time)
{
    private readonly List<MutablePhase> _phases = [];
    private readonly DateTimeOffset _start = time.GetUtcNow();

    public BuildProject Project { get; } = project;

    public StartBuildRequest Request { get; } = request;

    public string Repository { get; } = repository;

    public string RepositoryPath { get; } = repositoryPath;

    public string Id { get; } = id;

    public long Number { get; } = number;

    /// <summary>The id without its <c>project:</c> part.</summary>
    public string Uuid => Id[(Project.Name.Length + 1)..];

    public string Directory { get; } = directory;

    public string LogPath { get; } = Path.Combine(directory, "build.log");

    public string SourceDirectory { get; } = Path.Combine(directory, "src");

    public string? ResolvedSourceVersion { get; set; }

    public string? ArtifactLocation { get; set; }

    public string? ArtifactSha256 { get; set; }

    public string? ManifestLocation { get; set; }

    /// <summary>SUCCEEDED until a phase fails; then the failure's status (FAILED, TIMED_OUT, ...).</summary>
    public string Status { get; private set; } = "SUCCEEDED";

    public bool Succeeding => Status == "SUCCEEDED";

    public DateTimeOffset StartTime => _start;

    public string Stamp() => time.GetUtcNow().ToString("yyyy/MM/dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    public Task LogAsync(string line) => File.AppendAllTextAsync(LogPath, $"[Container] {Stamp()} {line}\n");

    public async Task BeginAsync(string phaseType)
    {
        _phases.Add(new MutablePhase(phaseType, time.GetUtcNow()));
        await LogAsync($"Entering phase {phaseType}");
    }

    public async Task SucceedAsync()
    {
        var phase = _phases[^1];
        phase.End(time.GetUtcNow(), "SUCCEEDED", null);
        await LogAsync($"Phase complete: {phase.Type} State: SUCCEEDED");
    }

    public async Task FailAsync(string statusCode, string message, string phaseStatus = "FAILED")
    {
        var phase = _phases[^1];
        phase.End(time.GetUtcNow(), phaseStatus, new PhaseContext(statusCode, message));
        Status = phaseStatus;
        await LogAsync($"Phase complete: {phase.Type} State: {phaseStatus}");
        await LogAsync($"Phase context status code: {statusCode} Message: {message}");
    }

    /// <summary>Fails the phase in progress (if any) after a timeout or cancellation.</summary>
    public async Task FailCurrentAsync(string phaseStatus, string statusCode, string message)
    {
        if (_phases.Count > 0 && _phases[^1].Status is null)
        {
            await FailAsync(statusCode, message, phaseStatus);
        }

        Status = phaseStatus;
    }

    public void Complete()
    {
        var now = time.GetUtcNow();
        if (_phases.Count == 0 || _phases[^1].Type != "FINALIZING")
        {
            _phases.Add(new MutablePhase("FINALIZING", now));
            _phases[^1].End(now, "SUCCEEDED", null);
        }

        _phases.Add(new MutablePhase("COMPLETED", now));
    }

    public Build ToBuild(StackContext stack) => new(
        Id,
        $"arn:{stack.Partition}:codebuild:{stack.Region}:{stack.AccountId}:build/{Id}",
        Number,
        Project.Name,
        Request.SourceVersion,
        ResolvedSourceVersion,
        Status,
        BuildComplete: true,
        CurrentPhase: "COMPLETED",
        _start,
        _phases[^1].Start,
        "pipeline-local",
        [.. _phases.Select(p => p.ToPhase())],
        new BuildLogs($"/aws/codebuild/{Project.Name}", Uuid, new Uri(LogPath).AbsoluteUri),
        new BuildArtifacts(ArtifactLocation, ArtifactSha256, ManifestLocation));

    private sealed class MutablePhase(string type, DateTimeOffset start)
    {
        private DateTimeOffset? _end;
        private PhaseContext? _context;

        public string Type { get; } = type;

        public DateTimeOffset Start { get; } = start;

        public string? Status { get; private set; }

        public void End(DateTimeOffset end, string status, PhaseContext? context)
        {
            _end = end;
            Status = status;
            _context = context;
        }

        // COMPLETED has neither an end nor a status in CodeBuild's record; every other phase has both.
        public BuildPhase ToPhase() => new(
            Type,
            Status,
            Start,
            _end,
            _end is { } e ? (long)Math.Round((e - Start).TotalSeconds) : null,
            _context is null ? [] : [_context]);
    }
}
