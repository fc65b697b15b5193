namespace Pipeline.Aws.Local;

/// <summary>The body of <c>POST /fleet/instances</c>: what to start, and how many.</summary>
public sealed record LocalFleetLaunchRequest(
    string Service, string Version, string ArtifactKey, string ArtifactSha256, int Count, string Start,
    IReadOnlyDictionary<string, string> Environment, IReadOnlyDictionary<string, string> Secrets);

/// <summary>The body of <c>POST /fleet/terminate</c>.</summary>
public sealed record LocalFleetTerminateRequest(IReadOnlyList<string> InstanceIds);

/// <summary>What every fleet call answers: the instances it launched, terminated or found, or why it refused.</summary>
public sealed record LocalFleetAnswer(IReadOnlyList<LocalFleetInstance>? Instances, string? ErrorMessage);

/// <summary>One instance as the fleet describes it (it says more, which the functions do not need).</summary>
public sealed record LocalFleetInstance(string InstanceId, string Service, string Version, string Address, int Port, string State);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LocalFleetLaunchRequest))]
[JsonSerializable(typeof(LocalFleetTerminateRequest))]
[JsonSerializable(typeof(LocalFleetAnswer))]
public sealed partial class LocalFleetJson : JsonSerializerContext;
