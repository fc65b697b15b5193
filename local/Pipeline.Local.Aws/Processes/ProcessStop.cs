namespace Pipeline.Local.Aws.Processes;

/// <summary>
/// How the stack and the tests stop a process: SIGTERM first (what Ctrl-C and systemd send), so that it can
/// stop its own children in order, then a kill of its whole tree if it has not exited within the grace.
/// </summary>
public static class ProcessStop
{
    /// <summary>Sends one signal (TERM, KILL, STOP, CONT) to <paramref name="pid"/> through kill(1); answers its outcome.</summary>
    public static Task<CommandResult> SignalAsync(int pid, string signal, CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)], cancellationToken: cancellationToken);

    /// <summary>Sends SIGTERM to <paramref name="pid"/>; without kill(1) it does nothing (the caller's hard kill follows).</summary>
    public static async Task TerminateAsync(int pid)
    {
        try
        {
            await SignalAsync(pid, "TERM");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No kill(1): the caller falls through to a hard kill.
        }
    }

    /// <summary>SIGTERM, then a kill of the whole tree after <paramref name="grace"/>; returns once the process has exited (or was killed).</summary>
    public static Task StopAsync(Process process, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(process);
        return process.HasExited ? Task.CompletedTask : StopAsync(process, process.WaitForExitAsync(), grace);
    }

    /// <summary>As <see cref="StopAsync(Process, TimeSpan)"/>, the process's end being <paramref name="exited"/>.</summary>
    /// <param name="exited">Completes when the process has ended. A caller that reads the output through events
    /// passes its exit event: <see cref="Process.WaitForExitAsync"/> also waits for the end of the redirected
    /// output, which a grandchild outside the tree (a daemonized haproxy) may hold open long after the process
    /// itself is gone.</param>
    public static async Task StopAsync(Process process, Task exited, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(exited);
        if (exited.IsCompleted)
        {
            return;
        }

        await TerminateAsync(process.Id);
        if (await Task.WhenAny(exited, Task.Delay(grace)) == exited)
        {
            return;
        }

        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }

        // Bounded, for that same grandchild.
        await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(5)));
    }
}
