namespace Pipeline.Local.Aws.EC2;

/// <summary>What to launch: a version's artifact (a gzip tar) in the artifacts bucket and how to start it.</summary>
/// <param name="Entry">Without <paramref name="Start"/>, the script <c>node</c> runs, relative to the unpacked artifact; null takes package.json's main, then server.js, then index.js.</param>
/// <param name="Start">The manifest's <c>start</c> command (<c>node server.js</c>), run in the unpacked artifact; split on whitespace, no quoting; a first word <c>node</c> is the fleet's node. Null falls back to <paramref name="Entry"/>.</param>
/// <param name="ArtifactSha256">The hex SHA-256 the version recorded: the downloaded artifact must have it before anything is unpacked or started (as the instance user data checks on AWS). Null skips the check (tests of the fleet alone).</param>
public sealed record InstanceSpec(
    string Service,
    string Version,
    string ArtifactBucket,
    string ArtifactKey,
    string? Entry = null,
    IReadOnlyDictionary<string, string>? Environment = null,
    string? Start = null,
    string? ArtifactSha256 = null)
{
    /// <summary>
    /// Variables each instance reads at start from the local parameter store, name → parameter name
    /// (the stand-in for SSM Parameter Store that the instance's start script reads on EC2).
    /// </summary>
    public IReadOnlyDictionary<string, string> Secrets { get; init; } = new Dictionary<string, string>();
}

/// <summary>One running (or ended) instance. States follow EC2: running, shutting-down, terminated, and stopped for a process that exited by itself.</summary>
public sealed record FleetInstance(
    string InstanceId,
    string Service,
    string Version,
    string Address,
    int Port,
    int ProcessId,
    string State,
    int? ExitCode,
    string? StateReason,
    DateTimeOffset LaunchTime,
    string LogPath);

/// <summary>The fleet port: launches a version's instances and terminates them.</summary>
public interface IFleet
{
    Task<IReadOnlyList<FleetInstance>> LaunchAsync(InstanceSpec spec, int count, CancellationToken cancellationToken);

    Task TerminateAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken);

    IReadOnlyList<FleetInstance> Describe(string? service = null, string? version = null);

    FleetInstance? Find(string instanceId);
}
