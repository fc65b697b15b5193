using System.Diagnostics;
using System.Net.Sockets;
using Pipeline.Core.Routing;

namespace Pipeline.RouterAgent;

/// <summary>
/// haproxy in master-worker mode. A reload is the master CLI's <c>reload</c>: the master re-executes
/// itself on the config file, the new worker takes over the listening sockets, and old workers
/// finish their in-flight requests. With <c>supervise</c> the agent runs the master: it starts it,
/// restarts it as soon as it dies, and holds the frontend's listening socket that the master
/// inherits (<see cref="FrontListener"/>), so the port keeps accepting meanwhile. An agent that
/// restarts (crashed, killed) adopts the master its predecessor left running, found by its pid file
/// and master socket, rather than stopping it: haproxy serves on through the agent's restart.
/// </summary>
public sealed class Haproxy(AgentOptions options, Action<string> log) : IHaproxy, IAsyncDisposable
{
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AdoptTimeout = TimeSpan.FromSeconds(5);
    private Process? _master;
    private bool _adopted;
    private FrontListener? _listener;

    public string PidFile => options.ConfigPath + ".pid";

    public async Task<string?> CheckAsync(string configPath, CancellationToken cancellationToken)
    {
        if (await RunAsync(options.HaproxyPath, ["-c", "-f", configPath], options.CheckTimeout, cancellationToken) is not { } result)
        {
            return $"haproxy -c did not finish within {options.CheckTimeout.TotalSeconds:0.###} s; it and its children were killed";
        }

        return result.ExitCode == 0 ? null : $"haproxy -c exited with {result.ExitCode}: {Summarize(result.Output)}";
    }

    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        if (options.Supervise && !Running)
        {
            await StartAsync(cancellationToken);
            return;
        }

        await ReloadAsync(cancellationToken);
    }

    private bool Running => _master is { HasExited: false };

    /// <summary>
    /// Adopts the master an earlier agent left running, or starts the supervised master if a config is
    /// in place and it is not running (first start or after a crash).
    /// </summary>
    public async Task EnsureRunningAsync(CancellationToken cancellationToken)
    {
        if (!options.Supervise || Running)
        {
            return;
        }

        if (_master is null && await AdoptAsync(cancellationToken))
        {
            return;
        }

        if (File.Exists(options.ConfigPath))
        {
            if (_master is not null)
            {
                log(_adopted
                    ? $"adopted haproxy master {_master.Id} exited; restarting it on the last good config"
                    : $"haproxy master exited with {_master.ExitCode}; restarting it on the last good config");
            }

            await StartAsync(cancellationToken);
        }
    }

    /// <summary>Completes when the supervised master exits: the agent restarts it at once rather than at its next poll.</summary>
    public async Task MasterExitedAsync(CancellationToken cancellationToken)
    {
        var master = _master;
        if (master is null || master.HasExited)
        {
            // Nothing running to watch (not started, or a restart failed): the poll's own pace applies.
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        while (!master!.HasExited)
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>
    /// Takes over the master named by the pid file when it is this router's (its command line names
    /// this master socket) and answers on the master socket; one that never answers holds the port
    /// with an unknown config, and is stopped. What systemd leaves running with KillMode=process.
    /// </summary>
    private async Task<bool> AdoptAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(PidFile) || !int.TryParse(File.ReadAllText(PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !IsThisRoutersMaster(pid))
        {
            return false;
        }

        Process master;
        try
        {
            master = Process.GetProcessById(pid);
        }
        catch (ArgumentException)
        {
            return false;
        }

        // The master may be re-executing itself for a reload the killed agent asked for.
        var deadline = DateTime.UtcNow + AdoptTimeout;
        while (!master.HasExited && DateTime.UtcNow < deadline)
        {
            try
            {
                var processes = await MasterCli.ShowProcAsync(options.MasterSocket, cancellationToken);
                if (processes.MasterPid == pid && processes.Workers.Count > 0)
                {
                    _master = master;
                    _adopted = true;
                    _listener ??= FrontListener.TakeFrom(pid, log);
                    log($"adopted the running haproxy master {pid} (workers {string.Join(", ", processes.Workers)})" +
                        (_listener is null ? "" : $" and its listening socket (fd {_listener.Descriptor})"));
                    return true;
                }
            }
            catch (Exception e) when (e is SocketException or IOException or FormatException)
            {
                // Not answering yet.
            }

            await Task.Delay(100, cancellationToken);
        }

        if (!master.HasExited)
        {
            log($"haproxy master {pid} left by an earlier agent does not answer on {options.MasterSocket}; stopping it");
            master.Kill(entireProcessTree: true);
            await WaitForExitAsync(master, TimeSpan.FromSeconds(5));
        }

        master.Dispose();
        return false;
    }

    private bool IsThisRoutersMaster(int pid)
    {
        try
        {
            var arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            return Path.GetFileName(arguments[0]) == Path.GetFileName(options.HaproxyPath) && arguments.Contains(options.MasterSocket);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        _master?.Dispose();
        _master = null;
        _adopted = false;
        File.Delete(options.MasterSocket);
        var config = await File.ReadAllTextAsync(options.ConfigPath, cancellationToken);
        if (_listener is null && FrontListener.UsedBy(config) && FrontListener.AddressOf(config, options.HaproxyEnvironment) is { } front)
        {
            _listener = FrontListener.Bind(front.Address, front.Port);
            log($"listening on {front.Address}:{front.Port} (fd {_listener.Descriptor}) for haproxy");
        }

        var start = new ProcessStartInfo(options.HaproxyPath, ["-W", "-S", options.MasterSocket, "-f", options.ConfigPath, "-p", PidFile])
        {
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        };
        WithRouterEnvironment(start);
        _master = Process.Start(start) ?? throw new InvalidOperationException("could not start " + options.HaproxyPath);
        log($"started haproxy master {_master.Id}");
        var deadline = DateTime.UtcNow + ReloadTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_master.HasExited)
            {
                throw new InvalidOperationException($"haproxy exited with {_master.ExitCode} at start");
            }

            try
            {
                if ((await MasterCli.ShowProcAsync(options.MasterSocket, cancellationToken)).Workers.Count > 0)
                {
                    return;
                }
            }
            catch (SocketException)
            {
                // Not listening yet.
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException("haproxy did not start a worker within " + ReloadTimeout.TotalSeconds + " s");
    }

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var before = await MasterCli.ShowProcAsync(options.MasterSocket, cancellationToken);
        await MasterCli.SendAsync(options.MasterSocket, "reload", cancellationToken);
        var deadline = DateTime.UtcNow + ReloadTimeout;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, cancellationToken);
            MasterProcesses after;
            try
            {
                after = await MasterCli.ShowProcAsync(options.MasterSocket, cancellationToken);
            }
            catch (SocketException)
            {
                continue; // the master is re-executing itself
            }

            if (after.FailedReloads > before.FailedReloads)
            {
                throw new InvalidOperationException($"haproxy reported a failed reload ({after.FailedReloads} failed so far)");
            }

            if (after.Reloads > before.Reloads && after.Workers.Any(w => !before.Workers.Contains(w)))
            {
                return;
            }
        }

        throw new TimeoutException("haproxy did not confirm the reload within " + ReloadTimeout.TotalSeconds + " s");
    }

    public async ValueTask DisposeAsync()
    {
        if (_master is { HasExited: false } master)
        {
            // SIGUSR1 is haproxy's soft stop: workers finish in-flight requests, then everything exits.
            await RunAsync("/bin/kill", ["-USR1", master.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10), CancellationToken.None);
            if (!await WaitForExitAsync(master, TimeSpan.FromSeconds(10)))
            {
                master.Kill(entireProcessTree: true);
            }
        }

        _master?.Dispose();
        _listener?.Dispose();
    }

    // Polls: an adopted master is not this process's child, and only a child's exit is signalled.
    private static async Task<bool> WaitForExitAsync(Process process, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!process.HasExited)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }

    /// <summary>This router's own address, port and socket, which the published config refers to.</summary>
    private void WithRouterEnvironment(ProcessStartInfo start)
    {
        foreach (var (name, value) in options.HaproxyEnvironment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        if (_listener is not null)
        {
            start.Environment[RouterSettings.ListenerFdVariable] = _listener.Descriptor.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static string Summarize(string output)
    {
        var alerts = output.Split('\n').Where(l => l.Contains("[ALERT]", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        var text = alerts.Count > 0 ? string.Join(" | ", alerts) : output.Trim();
        return text.Length > 2000 ? text[..2000] : text;
    }

    /// <summary>Runs a command to its end; null when it outlived <paramref name="timeout"/>, after killing it and everything it started.</summary>
    private async Task<(int ExitCode, string Output)?> RunAsync(string file, string[] args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        WithRouterEnvironment(start);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + file);

        // Not bound to the timeout: once the tree is killed the pipes close and these end.
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            return null;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
