namespace Pipeline.Local.Aws.Processes;

/// <summary>
/// A long-running child of the stack (an emulator, the router agent, a service instance): its output
/// goes to a log file under the state directory, the last lines are kept for error messages, and
/// its exit is observable so that a crash is reported, never silently restarted.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int TailLines = 30;
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Queue<string> _tail = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _stopping;

    private ChildProcess(string name, Process process, StreamWriter log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    public string Name { get; }

    public int Id => _process.Id;

    /// <summary>Completes with the exit code when the process ends.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>True when the process ended without the stack asking it to.</summary>
    public bool Crashed => _exited.Task.IsCompleted && !_stopping;

    public static ChildProcess Start(
        string name, string program, IEnumerable<string> arguments, string logFile,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = ProcessStart.Info(program, arguments, workingDirectory, environment);

        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        var log = new StreamWriter(logFile, append: true, Encoding.UTF8) { AutoFlush = true };
        Process process;
        try
        {
            process = new Process { StartInfo = info, EnableRaisingEvents = true };
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            log.Dispose();
            throw new StackFailureException($"{name}: could not start {program}: {e.Message}", e);
        }

        process.StandardInput.Close();
        var child = new ChildProcess(name, process, log);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.Exited += (_, _) =>
        {
            // Exited can fire before the last output lines were read; WaitForExit drains them. Bounded:
            // without a timeout it waits for the end of the redirected output, which never comes while a
            // process the child started (a router agent's haproxy) still holds the pipe, and the exit
            // would then never be seen (nor the child restarted).
            process.WaitForExit(TimeSpan.FromSeconds(2));
            child._exited.TrySetResult(process.ExitCode);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        child.Append(string.Create(CultureInfo.InvariantCulture, $"-- started {name} (pid {process.Id}) at {DateTimeOffset.UtcNow:O}"));
        return child;
    }

    public string Tail()
    {
        lock (_tail)
        {
            return string.Join('\n', _tail);
        }
    }

    /// <summary>Asks the process to stop (SIGTERM), then kills it if it has not within <paramref name="grace"/>.</summary>
    public Task StopAsync(TimeSpan grace)
    {
        _stopping = true;
        return ProcessStop.StopAsync(_process, _exited.Task, grace);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5));
        _process.Dispose();
        lock (_tail)
        {
            _log.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }

            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // Output after the stack closed the log: nothing to keep.
            }
        }
    }
}
