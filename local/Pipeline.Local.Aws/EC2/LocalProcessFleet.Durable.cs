namespace Pipeline.Local.Aws.EC2;

/// <summary>
/// A fleet that outlives the stack, as EC2 instances outlive a console session: after each launch,
/// termination or exit the instances are written whole to one file; the next stack starts every
/// instance recorded as running again, with its id and port (so target registrations and published
/// routes stay true), after killing the process a SIGKILLed stack left behind under that id.
/// </summary>
public sealed partial class LocalProcessFleet
{
    private readonly object _saveGate = new();
    private string? _statePath;
    private volatile bool _closing;

    /// <summary>An instance started again under the id, port and launch time it had.</summary>
    private sealed record Restored(string InstanceId, int Port, DateTimeOffset LaunchTime);

    /// <summary>
    /// Starts again the instances <paramref name="path"/> records as running and saves every later
    /// change there. An instance whose artifact or secrets are gone stays out, as a replacement
    /// instance would fail to start, and is reported in <paramref name="problems"/>.
    /// </summary>
    public async Task<IReadOnlyList<FleetInstance>> PersistToAsync(string path, Action<string> problems, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(problems);
        var started = new List<FleetInstance>();
        if (WholeFile.Read(path) is { } text)
        {
            foreach (var recorded in JsonNode.Parse(text)!["instances"]!.AsArray().Select(n => n!.AsObject())
                         .Where(i => i["state"]!.GetValue<string>() is "running" or "shutting-down"))
            {
                var id = recorded["id"]!.GetValue<string>();
                await Orphans.KillAsync(recorded["pid"]!.GetValue<int>(), $"PIPELINE_INSTANCE_ID={id}", cancellationToken);
                var spec = Spec(recorded["spec"]!.AsObject());
                try
                {
                    var versionDirectory = Path.Combine(_root, Safe(spec.Service), Safe(spec.Version));
                    var archive = Path.Combine(versionDirectory, "artifact.tgz");
                    if (!File.Exists(archive))
                    {
                        Directory.CreateDirectory(versionDirectory);
                        await _artifacts.GetFileAsync(spec.ArtifactBucket, spec.ArtifactKey, archive, cancellationToken);
                    }
                    await VerifyDigestAsync(spec, archive, cancellationToken);
                    var port = recorded["port"]!.GetValue<int>();
                    await Orphans.WaitForPortAsync(port, cancellationToken);
                    started.Add(Start(spec, versionDirectory, archive, ReadSecrets(spec),
                        new Restored(id, port, DateTimeOffset.FromUnixTimeMilliseconds(recorded["launchTime"]!.GetValue<long>()))));
                }
                catch (Exception e) when (e is LaunchFailedException or FileNotFoundException or IOException)
                {
                    problems($"instance {id} of {spec.Service} {spec.Version} was not started again: {e.Message}");
                }
            }
        }
        _statePath = path;
        Save();
        return started;
    }

    private void Save()
    {
        if (_statePath is null || _closing)
        {
            return;
        }
        lock (_saveGate)
        {
            var instances = new JsonArray([.. _instances.Values.OrderBy(i => i.LaunchTime).ThenBy(i => i.Id, StringComparer.Ordinal).Select(i =>
            {
                var snapshot = i.Snapshot();
                return (JsonNode)new JsonObject
                {
                    ["id"] = snapshot.InstanceId,
                    ["state"] = snapshot.State,
                    ["port"] = snapshot.Port,
                    ["pid"] = snapshot.ProcessId,
                    ["launchTime"] = snapshot.LaunchTime.ToUnixTimeMilliseconds(),
                    ["spec"] = Spec(i.Spec),
                };
            })]);
            WholeFile.Write(_statePath, new JsonObject { ["instances"] = instances }.ToJsonString());
        }
    }

    private static JsonObject Spec(InstanceSpec spec) => new()
    {
        ["service"] = spec.Service,
        ["version"] = spec.Version,
        ["artifactBucket"] = spec.ArtifactBucket,
        ["artifactKey"] = spec.ArtifactKey,
        ["entry"] = spec.Entry,
        ["start"] = spec.Start,
        ["artifactSha256"] = spec.ArtifactSha256,
        ["environment"] = Map(spec.Environment ?? new Dictionary<string, string>()),
        ["secrets"] = Map(spec.Secrets),
    };

    private static InstanceSpec Spec(JsonObject o) => new(
        o["service"]!.GetValue<string>(), o["version"]!.GetValue<string>(), o["artifactBucket"]!.GetValue<string>(), o["artifactKey"]!.GetValue<string>(),
        o["entry"]?.GetValue<string>(), Map(o["environment"]!.AsObject()), o["start"]?.GetValue<string>(), o["artifactSha256"]?.GetValue<string>())
    {
        Secrets = Map(o["secrets"]!.AsObject()),
    };

    private static JsonObject Map(IReadOnlyDictionary<string, string> values) =>
        new(values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value)));

    private static Dictionary<string, string> Map(JsonObject o) =>
        o.ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal);

    /// <summary>The instance ids in the order they were launched, for messages.</summary>
    internal static string Ids(IEnumerable<FleetInstance> instances) =>
        string.Join(", ", instances.Select(i => string.Create(CultureInfo.InvariantCulture, $"{i.InstanceId} ({i.Service} {i.Version}, port {i.Port})")));
}
