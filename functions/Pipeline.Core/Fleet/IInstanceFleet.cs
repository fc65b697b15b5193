namespace Pipeline.Core.Fleet;

/// <summary>
/// What to start: <paramref name="Count"/> instances of one version, each pulling exactly that
/// version's artifact and running its start command on <paramref name="Port"/>.
/// </summary>
/// <param name="ArtifactKey">The immutable key <c>artifacts/&lt;service&gt;/&lt;label&gt;/artifact.tgz</c> in the artifact bucket.</param>
/// <param name="Start">The manifest's start command, run in the unpacked artifact, e.g. <c>node server.js</c>.</param>
/// <param name="Environment">Variables the service runs with: its manifest's <c>env</c> plus what the pipeline adds.</param>
/// <param name="ExecutionId">The deploy execution launching them, recorded on each instance and used as the idempotency token.</param>
/// <param name="ArtifactSha256">The hex SHA-256 the version recorded for its artifact: an instance checks the
/// artifact it downloaded against it before it starts anything.</param>
public sealed record InstanceLaunch(
    string Service,
    string Label,
    string ArtifactKey,
    string ArtifactSha256,
    int Count,
    int Port,
    string Start,
    IReadOnlyDictionary<string, string> Environment,
    string ExecutionId)
{
    /// <summary>
    /// Variables each instance reads at start from SSM Parameter Store, name → full parameter name
    /// (<see cref="InstanceEnvironment.Secrets"/>). Only names travel: the values never pass through
    /// the pipeline, its payloads or the instance's user data.
    /// </summary>
    public IReadOnlyDictionary<string, string> Secrets { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The dead instances this launch replaces (none for a version's first launch): part of the
    /// idempotency token, so that a replacement is not answered with the first launch's instances.
    /// </summary>
    public IReadOnlyList<string> Replacing { get; init; } = [];
}

/// <summary>One instance of a version, as the fleet reports it.</summary>
/// <param name="State">EC2's names: pending, running, shutting-down, terminated, stopping, stopped.</param>
public sealed record FleetInstance(string InstanceId, string Service, string Label, string Address, int Port, string State)
{
    /// <summary>Pending or running: an instance that serves, or soon will.</summary>
    public bool IsUp => State is "pending" or "running";

    /// <summary>Terminated or on its way there: nothing left to clean up.</summary>
    public bool IsGone => State is "shutting-down" or "terminated";
}

/// <summary>
/// The part of the fleet that finds and terminates a version's instances: all that retiring a
/// version or rolling one back needs, so those functions need no launch settings (on AWS nothing
/// but the region).
/// </summary>
public interface IFleetInstances
{
    /// <summary>Every instance of the version that is not terminated yet.</summary>
    Task<IReadOnlyList<FleetInstance>> FindAsync(string service, string label, CancellationToken cancel = default);

    /// <summary>Terminates the instances; terminating one that is already gone is not an error.</summary>
    Task TerminateAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancel = default);
}

/// <summary>
/// The fleet port: EC2 on AWS (instances tagged with service and version), local processes off
/// AWS. Instances are found by their service and version tags, so nothing else has to remember
/// them.
/// </summary>
public interface IInstanceFleet : IFleetInstances
{
    Task<IReadOnlyList<FleetInstance>> LaunchAsync(InstanceLaunch launch, CancellationToken cancel = default);
}
