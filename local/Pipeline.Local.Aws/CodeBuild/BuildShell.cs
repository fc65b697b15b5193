namespace Pipeline.Local.Aws.CodeBuild;

/// <summary>
/// One shell instance for the whole build, as CodeBuild's buildspec 0.2 runs every command in the
/// same shell: a <c>cd</c> or a variable set by one command is seen by the next. Each command's
/// output goes straight to the build log; only its exit status comes back on the shell's stdout.
/// </summary>
internal sealed class BuildShell : IAsyncDisposable
{
    private readonly Process _process;

    private BuildShell(Process process) => _process = process;

    public static async Task<BuildShell> StartAsync(
        string shell, string workingDirectory, IReadOnlyDictionary<string, string> environment, string logPath)
    {
        var process = Process.Start(ProcessStart.Info(shell, ["-s"], workingDirectory, environment)) ?? throw new InvalidOperationException($"could not start {shell}");
        process.StandardInput.AutoFlush = true;
        var buildShell = new BuildShell(process);
        // The shell's own complaints (a syntax error in a command) belong in the log too.
        await process.StandardInput.WriteLineAsync($"exec 2>>{Quote(logPath)}");
        return buildShell;
    }

    /// <summary>Runs one command; returns its exit status, or null if the shell itself exited.</summary>
    public async Task<int?> RunAsync(string command, string logPath, CancellationToken cancellationToken)
    {
        if (_process.HasExited)
        {
            return null;
        }

        try
        {
            await _process.StandardInput.WriteLineAsync(
                $"{{ {command}\n}} </dev/null >>{Quote(logPath)} 2>&1\nprintf '%s\\n' \"$?\"".AsMemory(), cancellationToken);
        }
        catch (IOException)
        {
            return null;
        }

        var line = await _process.StandardOutput.ReadLineAsync(cancellationToken);
        return line is not null && int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var status)
            ? status
            : null;
    }

    /// <summary>The exit status of the shell once it has died (a command ran <c>exit</c>).</summary>
    public async Task<int> ExitCodeAsync()
    {
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.StandardInput.Close();
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    internal static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
