namespace Pipeline.Local.Aws.Processes;

/// <summary>
/// dynalite and s3rver, started the one way the stack and the tests share: the programs
/// <c>npm ci</c> installs under local/emulators (<see cref="EmulatorCommands"/>), on a free loopback
/// port, returned once the port accepts connections.
/// </summary>
public static class Emulators
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>dynalite, its tables in <paramref name="dataDirectory"/> (in memory when null).</summary>
    public static Task<(ChildProcess Process, int Port)> StartDynaliteAsync(
        string repositoryRoot, string? dataDirectory, string logFile, CancellationToken cancellationToken, int tableTransitionMs = 50) =>
        StartAsync(EmulatorCommands.Dynalite, repositoryRoot,
            port => EmulatorCommands.DynaliteArguments(port, dataDirectory, tableTransitionMs), logFile,
            dataDirectory is null ? "" : $"\nthe data directory {dataDirectory} is locked: is another stack running on this state directory?",
            cancellationToken);

    /// <summary>s3rver, its buckets in <paramref name="directory"/>; <paramref name="environment"/> goes on top of ours (a test's fault injection).</summary>
    public static Task<(ChildProcess Process, int Port)> StartS3rverAsync(
        string repositoryRoot, string directory, string logFile, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null) =>
        StartAsync(EmulatorCommands.S3rver, repositoryRoot,
            port => EmulatorCommands.S3rverArguments(port, directory), logFile, lockedHint: "", cancellationToken, environment);

    /// <summary>The emulator program to run; a missing installation names the command that installs it.</summary>
    public static string Binary(string repositoryRoot, string name)
    {
        var path = EmulatorCommands.Binary(repositoryRoot, name);
        return File.Exists(path) ? EmulatorCommands.Program(repositoryRoot, name) : throw new StackFailureException(
            $"the {name} emulator is not installed ({path} is missing): run `cd local/emulators && npm ci` (or `./build.sh setup`)");
    }

    private static async Task<(ChildProcess, int)> StartAsync(
        string name, string repositoryRoot, Func<int, IReadOnlyList<string>> arguments, string logFile,
        string lockedHint, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        var program = Binary(repositoryRoot, name);

        // A port another process grabs between asking and binding is retried on a new one.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var child = ChildProcess.Start(name, program, arguments(port), logFile, environment);
            var deadline = DateTime.UtcNow + StartTimeout;
            while (DateTime.UtcNow < deadline && !child.Exited.IsCompleted)
            {
                if (await FreePort.IsListeningAsync(port, cancellationToken))
                {
                    return (child, port);
                }

                await Task.Delay(50, cancellationToken);
            }

            var tail = child.Tail();
            await child.DisposeAsync();
            if (attempt >= 3 || !tail.Contains("EADDRINUSE", StringComparison.Ordinal))
            {
                throw new StackFailureException(
                    $"{name} did not start on port {port} (see {logFile}); its last output:\n{tail}" +
                    (tail.Contains("LOCK", StringComparison.Ordinal) ? lockedHint : ""));
            }
        }
    }
}
