namespace Pipeline.Local.Aws.Processes;

/// <summary>The outcome of a finished command.</summary>
public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>A command that exited non-zero; the message carries its stderr.</summary>
public sealed class CommandFailedException(string command, CommandResult result)
    : Exception($"{command} exited with {result.ExitCode}: {result.StandardError.Trim()}")
{
    public CommandResult Result { get; } = result;
}

/// <summary>Runs a program to completion with arguments passed as a list (never through a shell).</summary>
public static class CommandRunner
{
    /// <param name="environment">Variables set on top of the inherited environment; a null value removes one.</param>
    /// <param name="standardInput">What the program reads on stdin, which is closed after it (at once when null).</param>
    public static async Task<CommandResult> RunAsync(
        string program,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? standardInput = null,
        CancellationToken cancellationToken = default)
    {
        var info = ProcessStart.Info(program, arguments, workingDirectory, environment);

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput.AsMemory(), cancellationToken);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new CommandResult(process.ExitCode, await stdout, await stderr);
    }

    public static async Task<string> RunCheckedAsync(
        string program,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        CancellationToken cancellationToken = default)
    {
        var list = arguments.ToList();
        var result = await RunAsync(program, list, workingDirectory, environment, cancellationToken: cancellationToken);
        return result.ExitCode == 0
            ? result.StandardOutput
            : throw new CommandFailedException(Describe(program, list), result);
    }

    private static string Describe(string program, IEnumerable<string> arguments)
    {
        var text = new StringBuilder(program);
        foreach (var a in arguments)
        {
            text.Append(' ').Append(a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a);
        }

        return text.ToString();
    }
}
