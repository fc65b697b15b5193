using Pipeline.Core.Routing;

namespace Pipeline.Local.Stack;

/// <summary>
/// The composer beside the local routers, supervised as systemd's <c>Restart=always</c> does on a
/// router: a composer that exits on its own is logged and started again after a backoff that doubles
/// while it keeps exiting soon after its start, and resets once it has run a while. The stack goes
/// on meanwhile (HAProxy answers 503 for compositions until it is back); only routes are the stack's
/// lifeline. It reads the config of the first router running at each start: every router applies
/// the same published config.
/// </summary>
internal sealed class LocalComposer(
    string composerDll, RouterSettings router, Func<string> appliedConfig, string logFile, Action<string> step) : IAsyncDisposable
{
    public const string LogName = "composer";

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Steady = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stopping = new();
    private ChildProcess? _process;
    private Task? _supervisor;

    public Uri Endpoint { get; } = new($"http://127.0.0.1:{router.ComposerPort.ToString(CultureInfo.InvariantCulture)}");

    public void Start()
    {
        _process = Launch();
        _supervisor = SuperviseAsync();
    }

    /// <summary>The composer process running now (a restarted one after an exit), for the status document.</summary>
    public ChildProcess? Current => _process;

    private ChildProcess Launch() => ChildProcess.Start(LogName, "dotnet",
        [composerDll, "--config", appliedConfig(), "--port", router.ComposerPort.ToString(CultureInfo.InvariantCulture),
         "--calls-url", $"http://127.0.0.1:{router.ComposerCallsPort.ToString(CultureInfo.InvariantCulture)}"],
        logFile);

    private async Task SuperviseAsync()
    {
        var backoff = FirstBackoff;
        while (true)
        {
            var process = _process!;
            var started = DateTime.UtcNow;
            var exit = await process.Exited.ConfigureAwait(false);
            if (_stopping.IsCancellationRequested || !process.Crashed)
            {
                return;
            }

            backoff = DateTime.UtcNow - started >= Steady ? FirstBackoff : backoff;
            step($"the composer exited with {exit}; restarting it in {backoff.TotalSeconds:0} s (see {logFile}). Its last output:\n{process.Tail()}");
            try
            {
                await Task.Delay(backoff, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            await process.DisposeAsync().ConfigureAwait(false);
            try
            {
                _process = Launch();
            }
            catch (StackFailureException e)
            {
                step($"the composer could not be restarted: {e.Message}");
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_process is { } process)
        {
            await process.DisposeAsync().ConfigureAwait(false);
        }

        if (_supervisor is { } supervisor)
        {
            await supervisor.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }
}
