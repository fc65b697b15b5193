namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// <c>./pipeline up</c> running in the background on its own state directory, as a user starts it;
/// stopped with SIGTERM (what Ctrl-C does) and its state directory removed on dispose.
/// </summary>
internal sealed class RunningStack : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;
    private bool _keepState;

    private RunningStack(Process process, StringBuilder output, string stateDirectory, JsonObject stack)
    {
        _process = process;
        _output = output;
        StateDirectory = stateDirectory;
        Stack = stack;
    }

    public string StateDirectory { get; }

    /// <summary>The stack's stack.json: pid, endpoints, registryTable, artifactBucket, logs.</summary>
    public JsonObject Stack { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>True once the stack process ended (it stops itself when one of its children dies).</summary>
    public bool HasExited => _process.HasExited;

    public Uri Endpoint(string name) => new(Stack["endpoints"]![name]!.GetValue<string>());

    public string Log(string name) => Path.Combine(StateDirectory, "logs", name + ".log");

    /// <summary>Starts the stack within <see cref="Limits.StackStart"/> and tells <paramref name="output"/> how long it took.</summary>
    public static async Task<RunningStack> StartAsync(ITestOutputHelper output, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(output);
        var clock = Stopwatch.StartNew();
        var stack = await StartAsync(Limits.StackStart, arguments);
        output.WriteLine($"./pipeline up {string.Join(' ', arguments)}: up after {clock.Elapsed.TotalSeconds:0.0} s");
        return stack;
    }

    /// <summary>Starts the stack and returns once its stack.json is written (everything is up).</summary>
    public static Task<RunningStack> StartAsync(TimeSpan timeout, params string[] arguments) => StartAsync("up", timeout, arguments);

    /// <summary>Runs <paramref name="command"/> (<c>up</c> or <c>demo</c>) and returns once the stack's stack.json is written.</summary>
    public static Task<RunningStack> StartAsync(string command, TimeSpan timeout, params string[] arguments) =>
        StartInAsync(NewStateDirectory(), command, timeout, arguments);

    /// <summary><c>up</c> with these variables added to its environment (local-only settings such as PIPELINE_FUNCTION_IDLE_SECONDS).</summary>
    public static Task<RunningStack> StartAsync(TimeSpan timeout, IReadOnlyDictionary<string, string> environment) =>
        StartInAsync(NewStateDirectory(), "up", timeout, [], environment);

    /// <summary>
    /// <c>up</c> again on the state directory a stopped stack left (a SIGKILLed one leaves its stack.json,
    /// which the new stack replaces: wait for the new one).
    /// </summary>
    public static Task<RunningStack> RestartAsync(string stateDirectory, TimeSpan timeout)
    {
        File.Delete(Path.Combine(stateDirectory, "stack.json"));
        return StartInAsync(stateDirectory, "up", timeout, []);
    }

    /// <summary>SIGKILL to the <c>up</c> process alone, as the OOM killer or <c>kill -9</c> does; its state directory is kept.</summary>
    public async Task KillAsync()
    {
        _keepState = true;
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>Waits for the stack to stop (after <c>./pipeline down</c>); its state directory is kept.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        _keepState = true;
        using var limit = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(limit.Token);
    }

    private static string NewStateDirectory() => Path.Combine(Path.GetTempPath(), "pipeline-e2e-" + Guid.NewGuid().ToString("N")[..8]);

    private static async Task<RunningStack> StartInAsync(
        string state, string command, TimeSpan timeout, string[] arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(RepositoryRoot.Combine("pipeline"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Path,
        };
        foreach (var argument in (string[])[command, "--state-dir", state, "--port", "0", .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var output = new StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var stackFile = Path.Combine(state, "stack.json");
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (File.Exists(stackFile) && JsonNode.Parse(await File.ReadAllTextAsync(stackFile)) is JsonObject stack)
            {
                return new RunningStack(process, output, state, stack);
            }

            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var running = new RunningStack(process, output, state, []);
                var why = process.HasExited ? $"exited with {process.ExitCode}" : $"was not up after {timeout}";
                await running.DisposeAsync();
                throw new InvalidOperationException($"./pipeline {command} {why}:\n{running.Output}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Waits until the output has a line containing <paramref name="marker"/>; fails with the output if the process ends first.</summary>
    public async Task WaitForOutputAsync(string marker, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(marker, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                var why = _process.HasExited ? $"exited with {_process.ExitCode}" : $"did not print '{marker}' within {timeout}";
                throw new InvalidOperationException($"./pipeline {why}:\n{Output}");
            }

            await Task.Delay(500);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // SIGTERM lets the stack stop its children; a hard kill would leave them running.
        await ProcessStop.StopAsync(_process, TimeSpan.FromSeconds(60));
        _process.Dispose();
        if (_keepState)
        {
            return; // another RunningStack goes on with it
        }

        try
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; a failing dispose would hide the test result.
        }
    }
}
