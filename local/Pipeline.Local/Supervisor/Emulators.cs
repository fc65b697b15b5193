using Pipeline.Local.Stack.Processes;

namespace Pipeline.Local.Supervisor;

/// <summary>dynalite and s3rver on free loopback ports, their data under the state directory.</summary>
internal static class Emulators
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    public static Task<(ChildProcess Process, int Port)> StartDynaliteAsync(
        string repositoryRoot, StackLayout layout, CancellationToken cancellationToken) =>
        StartAsync(EmulatorCommands.Dynalite, repositoryRoot, layout,
            port => EmulatorCommands.DynaliteArguments(port, layout.DynamoDbData, tableTransitionMs: 50), cancellationToken);

    public static Task<(ChildProcess Process, int Port)> StartS3rverAsync(
        string repositoryRoot, StackLayout layout, CancellationToken cancellationToken) =>
        StartAsync(EmulatorCommands.S3rver, repositoryRoot, layout,
            port => EmulatorCommands.S3rverArguments(port, layout.S3Data), cancellationToken);

    private static async Task<(ChildProcess, int)> StartAsync(
        string name, string repositoryRoot, StackLayout layout, Func<int, IReadOnlyList<string>> arguments, CancellationToken cancellationToken)
    {
        // A port another process grabs between asking and binding is retried once on a new one.
        for (var attempt = 1; ; attempt++)
        {
            var port = Ports.Free();
            var child = ChildProcess.Start(name, Prerequisites.EmulatorBinary(repositoryRoot, name), arguments(port), layout.Log(name));
            var deadline = DateTime.UtcNow + StartTimeout;
            while (DateTime.UtcNow < deadline && !child.Exited.IsCompleted)
            {
                if (await Ports.IsListeningAsync(port, cancellationToken))
                {
                    return (child, port);
                }

                await Task.Delay(50, cancellationToken);
            }

            var tail = child.Tail();
            await child.DisposeAsync();
            if (attempt >= 2 || !tail.Contains("EADDRINUSE", StringComparison.Ordinal))
            {
                throw new StackFailureException(
                    $"{name} did not start on port {port} (see {layout.Log(name)}); its last output:\n{tail}" +
                    (name == "dynalite" && tail.Contains("LOCK", StringComparison.Ordinal)
                        ? $"\nthe data directory {layout.DynamoDbData} is locked: is another stack running on this state directory?"
                        : ""));
            }
        }
    }
}
