using System.Diagnostics;
using System.Net.Sockets;

namespace Pipeline.RouterAgent;

/// <summary>
/// haproxy in master-worker mode. A reload is the master CLI's <c>reload</c>: the master re-executes
/// itself on the config file, the new worker takes over the listening sockets, and old workers
/// finish their in-flight requests. With <c>supervise</c> the agent starts the master as its child.
/// </summary>
public sealed class Haproxy(AgentOptions options, Action<string> log) : IHaproxy, IAsyncDisposable
{
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(30);
    private Process? _master;

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
        if (options.Supervise && (_master is null || _master.HasExited))
        {
            await StartAsync(cancellationToken);
            return;
        }

        await ReloadAsync(cancellationToken);
    }

    /// <summary>Starts the supervised master if a config is in place and it is not running (first start or after a crash).</summary>
    public async Task EnsureRunningAsync(CancellationToken cancellationToken)
    {
        if (options.Supervise && (_master is null || _master.HasExited) && File.Exists(options.ConfigPath))
        {
            if (_master is not null)
            {
                log($"haproxy master exited with {_master.ExitCode}; restarting it on the last good config");
            }

            await StartAsync(cancellationToken);
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        _master?.Dispose();
        File.Delete(options.MasterSocket);
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
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await master.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                master.Kill(entireProcessTree: true);
            }
        }

        _master?.Dispose();
    }

    /// <summary>This router's own address, port and socket, which the published config refers to.</summary>
    private void WithRouterEnvironment(ProcessStartInfo start)
    {
        foreach (var (name, value) in options.HaproxyEnvironment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
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
