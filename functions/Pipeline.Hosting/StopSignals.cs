using System.Runtime.InteropServices;

namespace Pipeline.Hosting;

/// <summary>
/// SIGTERM (systemd, <c>kill</c>) and SIGINT (Ctrl-C) as a cancellation instead of the runtime's default exit,
/// so a long-running process (an agent, <c>pipeline up</c>) stops its own way: in-flight work finished,
/// children stopped. Also stops when <c>also</c> fires.
/// </summary>
public sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly PosixSignalRegistration _terminate;
    private readonly PosixSignalRegistration _interrupt;

    public StopSignals(CancellationToken also = default)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(also);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
    }

    public CancellationToken Token => _stop.Token;

    public bool IsCancellationRequested => _stop.IsCancellationRequested;

    public void Dispose()
    {
        _terminate.Dispose();
        _interrupt.Dispose();
        _stop.Dispose();
    }

    private void Stop(PosixSignalContext signal)
    {
        signal.Cancel = true;
        // Off the signal's thread: what the token's callbacks run (a stack stopping its children) may take long.
        _ = Task.Run(_stop.Cancel);
    }
}
