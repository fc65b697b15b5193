namespace Pipeline.EndToEnd.Tests;

/// <summary>Runs <c>./pipeline</c> as a user does, capturing everything it prints.</summary>
internal static class PipelineCli
{
    public static Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, params string[] arguments) =>
        RunWithInputAsync(timeout, null, arguments);

    /// <summary>As <see cref="RunAsync"/>, with <paramref name="input"/> on standard input (then closed).</summary>
    public static async Task<(int ExitCode, string Output)> RunWithInputAsync(TimeSpan timeout, string? input, params string[] arguments)
    {
        var info = new ProcessStartInfo(RepositoryRoot.Combine("pipeline"))
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Path,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM lets the stack stop its children; a hard kill would leave them running.
            using var kill = Process.Start("/bin/kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"./pipeline {string.Join(' ', arguments)} ran longer than {timeout}:\n{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
