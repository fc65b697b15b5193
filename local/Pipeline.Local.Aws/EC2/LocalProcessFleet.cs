using System.Net;
using System.Net.Sockets;
using Pipeline.Local.Aws.CodeBuild;
using Pipeline.Local.Aws.SSM;

namespace Pipeline.Local.Aws.EC2;

/// <summary>
/// The local stand-in for EC2 instances of a service version: each instance is a process started
/// from the version's artifact, a gzip tar downloaded from the artifacts bucket and unpacked into its
/// own directory (as the instance user data does on AWS: <c>aws s3 cp ... - | tar xz</c>), by the
/// manifest's <c>start</c> command or else <c>node</c> on the entry script, on its own free loopback port. A process
/// that exits by itself is recorded as stopped and never restarted: its target fails health checks
/// and the deployment sees it.
/// </summary>
public sealed partial class LocalProcessFleet : IFleet, IAsyncDisposable
{
    private readonly string _root;
    private readonly IArtifactBucket _artifacts;
    private readonly string _node;
    private readonly TimeSpan _terminationGrace;
    private readonly TimeProvider _time;
    private readonly LocalParameterStore? _parameters;
    private readonly ConcurrentDictionary<string, Instance> _instances = new(StringComparer.Ordinal);

    public LocalProcessFleet(
        string stateDirectory, IArtifactBucket artifacts, string node = "node", TimeSpan? terminationGrace = null,
        TimeProvider? time = null, LocalParameterStore? parameters = null)
    {
        _parameters = parameters;
        _root = Path.GetFullPath(Path.Combine(stateDirectory, "fleet"));
        _artifacts = artifacts;
        _node = node;
        _terminationGrace = terminationGrace ?? TimeSpan.FromSeconds(10);
        _time = time ?? TimeProvider.System;
    }

    public async Task<IReadOnlyList<FleetInstance>> LaunchAsync(InstanceSpec spec, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var versionDirectory = Path.Combine(_root, Safe(spec.Service), Safe(spec.Version));
        Directory.CreateDirectory(versionDirectory);
        var archive = Path.Combine(versionDirectory, "artifact.tgz");
        try
        {
            await _artifacts.GetFileAsync(spec.ArtifactBucket, spec.ArtifactKey, archive, cancellationToken);
        }
        catch (FileNotFoundException e)
        {
            throw new LaunchFailedException($"{spec.Service} {spec.Version}: artifact s3://{spec.ArtifactBucket}/{spec.ArtifactKey} does not exist", e);
        }

        await VerifyDigestAsync(spec, archive, cancellationToken);

        var launched = new List<FleetInstance>();
        for (var i = 0; i < count; i++)
        {
            launched.Add(Start(spec, versionDirectory, archive, ReadSecrets(spec)));
        }

        return launched;
    }

    /// <summary>Nothing is unpacked from bytes other than the ones the version recorded.</summary>
    private static async Task VerifyDigestAsync(InstanceSpec spec, string archive, CancellationToken cancellationToken)
    {
        if (spec.ArtifactSha256 is null)
        {
            return;
        }

        string actual;
        await using (var file = File.OpenRead(archive))
        {
            actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
        }

        if (!string.Equals(actual, spec.ArtifactSha256, StringComparison.Ordinal))
        {
            File.Delete(archive);
            throw new LaunchFailedException(
                $"{spec.Service} {spec.Version}: artifact s3://{spec.ArtifactBucket}/{spec.ArtifactKey} has SHA-256 {actual}, not the recorded {spec.ArtifactSha256}; nothing was started");
        }
    }

    public async Task TerminateAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceIds);
        var unknown = instanceIds.Where(id => !_instances.ContainsKey(id)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"unknown instance ids: {string.Join(", ", unknown)}", nameof(instanceIds));
        }

        await Task.WhenAll(instanceIds.Select(id => _instances[id].TerminateAsync(_terminationGrace, cancellationToken)));
        Save();
    }

    public IReadOnlyList<FleetInstance> Describe(string? service = null, string? version = null) =>
        [.. _instances.Values
            .Where(i => (service is null || i.Service == service) && (version is null || i.Version == version))
            .Select(i => i.Snapshot())
            .OrderBy(i => i.LaunchTime)
            .ThenBy(i => i.InstanceId, StringComparer.Ordinal)];

    public FleetInstance? Find(string instanceId) => _instances.TryGetValue(instanceId, out var i) ? i.Snapshot() : null;

    /// <summary>Stops every process; a persisted fleet keeps them recorded as running, for the next stack to start again.</summary>
    public async ValueTask DisposeAsync()
    {
        _closing = true;
        await Task.WhenAll(_instances.Values.Select(i => i.TerminateAsync(_terminationGrace, CancellationToken.None)));
    }

    /// <summary>
    /// Each instance reads its secrets as it starts, as the start script does on EC2. A parameter
    /// the store lacks starts nothing (on EC2 the service would not start, and the deploy would
    /// roll back when its targets never turn healthy); the message names the parameter, never a value.
    /// </summary>
    private Dictionary<string, string> ReadSecrets(InstanceSpec spec)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, parameter) in spec.Secrets)
        {
            values[name] = (_parameters ?? throw new LaunchFailedException(
                    $"{spec.Service} {spec.Version}: env.{name} reads parameter {parameter}, and this fleet has no parameter store"))
                .Get(parameter)
                ?? throw new LaunchFailedException(
                    $"{spec.Service} {spec.Version}: env.{name} reads parameter {parameter}, which the local parameter store does not hold " +
                    "(put it with ./pipeline secret put)");
        }

        return values;
    }

    private FleetInstance Start(InstanceSpec spec, string versionDirectory, string archive, IReadOnlyDictionary<string, string> secrets,
        Restored? restored = null)
    {
        var id = restored?.InstanceId ?? "i-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(9))[..17];
        var directory = Path.Combine(versionDirectory, id);
        var app = Path.Combine(directory, "app");
        if (restored is not null && Directory.Exists(app))
        {
            Directory.Delete(app, recursive: true); // unpacked again, as a replaced instance would be
        }
        ArtifactArchive.Unpack(archive, app, $"{spec.Service} {spec.Version}");
        var (program, arguments) = Command(spec, app);
        var port = restored?.Port ?? FreePort.Next();
        var info = ProcessStart.Info<string>(program, arguments, app, environment: null);
        // A clean environment, like a fresh instance: only what the manifest and the platform give.
        info.Environment.Clear();
        foreach (var key in new[] { "PATH", "HOME", "LANG", "TMPDIR" })
        {
            if (System.Environment.GetEnvironmentVariable(key) is { } value)
            {
                info.Environment[key] = value;
            }
        }

        foreach (var (key, value) in (spec.Environment ?? new Dictionary<string, string>()).Concat(secrets))
        {
            info.Environment[key] = value;
        }

        info.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        info.Environment["HOST"] = "127.0.0.1";
        info.Environment["PIPELINE_SERVICE"] = spec.Service;
        info.Environment["PIPELINE_VERSION"] = spec.Version;
        info.Environment["PIPELINE_INSTANCE_ID"] = id;

        var logPath = Path.Combine(directory, "instance.log");
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new LaunchFailedException($"could not start {program}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new LaunchFailedException(
                $"could not start '{program}' ({e.Message}){(program == _node ? "; install Node.js or pass its path" : "")}", e);
        }

        var instance = new Instance(id, spec, port, process, logPath, restored?.LaunchTime ?? _time.GetUtcNow(), Save);
        _instances[id] = instance;
        Save();
        return instance.Snapshot();
    }

    // The manifest's start command, split on whitespace, with node meaning this fleet's node; without
    // one, node on the entry script.
    private (string Program, IReadOnlyList<string> Arguments) Command(InstanceSpec spec, string app)
    {
        if (spec.Start is null)
        {
            return (_node, [Entry(spec, app)]);
        }

        var words = spec.Start.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            throw new LaunchFailedException($"{spec.Service} {spec.Version}: start is empty");
        }

        if (words[0] != "node")
        {
            return (words[0], words[1..]);
        }

        // node's own MODULE_NOT_FOUND would only show in the instance log, after the launch "succeeded".
        if (words.Length > 1 && !words[1].StartsWith('-') && Contained(app, words[1]) is null)
        {
            throw new LaunchFailedException(
                $"{spec.Service} {spec.Version}: start '{spec.Start}' runs {words[1]}, which the artifact does not contain");
        }

        return (_node, words[1..]);
    }

    private static string Entry(InstanceSpec spec, string app)
    {
        var candidates = new List<string>();
        if (spec.Entry is not null)
        {
            candidates.Add(spec.Entry);
        }
        else
        {
            var package = Path.Combine(app, "package.json");
            if (File.Exists(package)
                && JsonDocument.Parse(File.ReadAllText(package)).RootElement.TryGetProperty("main", out var main)
                && main.ValueKind == JsonValueKind.String)
            {
                candidates.Add(main.GetString()!);
            }

            candidates.AddRange(["server.js", "index.js"]);
        }

        foreach (var candidate in candidates)
        {
            if (Contained(app, candidate) is { } full)
            {
                return full;
            }
        }

        throw new LaunchFailedException(
            $"{spec.Service} {spec.Version}: the artifact has no entry script (looked for {string.Join(", ", candidates)})");
    }

    /// <summary>The full path of a file inside the unpacked artifact, or null when there is none.</summary>
    private static string? Contained(string app, string relative)
    {
        var full = Path.GetFullPath(Path.Combine(app, relative));
        return full.StartsWith(app + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(full) ? full : null;
    }

    private static string Safe(string name) =>
        string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));

    /// <summary>One process and what became of it.</summary>
    private sealed class Instance
    {
        private readonly Process _process;
        private readonly Task _logging;
        private readonly object _gate = new();
        private string _state = "running";
        private string? _reason;
        private int? _exitCode;
        private bool _terminating;

        private readonly Action _changed;

        public Instance(string id, InstanceSpec spec, int port, Process process, string logPath, DateTimeOffset launchTime, Action changed)
        {
            _changed = changed;
            Spec = spec;
            Id = id;
            Service = spec.Service;
            Version = spec.Version;
            Port = port;
            LogPath = logPath;
            LaunchTime = launchTime;
            _process = process;
            _process.StandardInput.Close();
            _process.EnableRaisingEvents = true;
            _process.Exited += (_, _) => OnExited();
            _logging = CopyOutputAsync();
            if (_process.HasExited)
            {
                OnExited();
            }
        }

        public string Id { get; }

        public InstanceSpec Spec { get; }

        public string Service { get; }

        public string Version { get; }

        public int Port { get; }

        public string LogPath { get; }

        public DateTimeOffset LaunchTime { get; }

        public FleetInstance Snapshot()
        {
            lock (_gate)
            {
                return new FleetInstance(Id, Service, Version, "127.0.0.1", Port, _process.Id, _state, _exitCode, _reason, LaunchTime, LogPath);
            }
        }

        public async Task TerminateAsync(TimeSpan grace, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                if (_state is "terminated" or "stopped")
                {
                    _state = "terminated";
                    return;
                }

                _terminating = true;
                _state = "shutting-down";
            }

            // SIGTERM first so the service can finish in-flight requests; SIGKILL only after the grace period.
            await ProcessStop.SignalAsync(_process.Id, "TERM", cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(grace);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }

            await _logging;
            lock (_gate)
            {
                _state = "terminated";
                _reason = "terminated on request";
            }
        }

        private void OnExited()
        {
            lock (_gate)
            {
                _exitCode = _process.ExitCode;
                if (_terminating)
                {
                    return;
                }

                _state = "stopped";
                _reason = string.Create(CultureInfo.InvariantCulture, $"process exited by itself with code {_exitCode}; not restarted");
            }

            _changed();
        }

        private async Task CopyOutputAsync()
        {
            await using var log = new FileStream(LogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            using var writer = new StreamWriter(log) { AutoFlush = true };
            var gate = new SemaphoreSlim(1, 1);
            async Task Pump(StreamReader reader)
            {
                while (await reader.ReadLineAsync() is { } line)
                {
                    await gate.WaitAsync();
                    try
                    {
                        await writer.WriteLineAsync(line);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }
            }

            await Task.WhenAll(Pump(_process.StandardOutput), Pump(_process.StandardError));
            gate.Dispose();
        }
    }
}
