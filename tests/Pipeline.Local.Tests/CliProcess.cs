namespace Pipeline.Local.Tests;

/// <summary>The real CLI (pipeline.dll, built beside the tests) run as a process, as a user runs it.</summary>
internal static class CliProcess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The host that runs the tests, so the CLI runs on the same runtime.</summary>
    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    /// <summary>The arguments that run the CLI with <paramref name="args"/> under <see cref="Dotnet"/>.</summary>
    public static string[] Arguments(params string[] args) => [Path.Combine(AppContext.BaseDirectory, "pipeline.dll"), .. args];

    /// <summary>Runs <c>pipeline <paramref name="args"/></c> in <paramref name="directory"/> (the current one when null).</summary>
    public static async Task<CommandResult> RunAsync(
        string[] args, string? directory = null, IReadOnlyDictionary<string, string?>? environment = null, string? standardInput = null)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        return await CommandRunner.RunAsync(Dotnet, Arguments(args), directory, environment, standardInput, timeout.Token);
    }
}
