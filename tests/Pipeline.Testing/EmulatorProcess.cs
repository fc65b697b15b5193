namespace Pipeline.Testing;

/// <summary>
/// One emulator (dynalite or s3rver) running as a child process on a free 127.0.0.1 port, started
/// by the same <see cref="Emulators"/> as the local stack; its output goes to a log under the temp folder.
/// </summary>
public sealed class EmulatorProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private EmulatorProcess(string name, ChildProcess process, int port)
    {
        Name = name;
        _process = process;
        Port = port;
    }

    public string Name { get; }

    public int Port { get; }

    public Uri Endpoint => new($"http://127.0.0.1:{Port}");

    public static async Task<EmulatorProcess> StartDynaliteAsync(int tableTransitionMs, CancellationToken cancel = default)
    {
        var (process, port) = await Emulators.StartDynaliteAsync(RepositoryRoot.Path, dataDirectory: null, Log(EmulatorCommands.Dynalite), cancel, tableTransitionMs);
        return new EmulatorProcess(EmulatorCommands.Dynalite, process, port);
    }

    public static async Task<EmulatorProcess> StartS3rverAsync(string directory, CancellationToken cancel = default)
    {
        var (process, port) = await Emulators.StartS3rverAsync(RepositoryRoot.Path, directory, Log(EmulatorCommands.S3rver), cancel);
        return new EmulatorProcess(EmulatorCommands.S3rver, process, port);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static string Log(string name) => Path.Combine(Path.GetTempPath(), "pipeline-tests", $"{name}-{Guid.NewGuid():N}.log");
}
