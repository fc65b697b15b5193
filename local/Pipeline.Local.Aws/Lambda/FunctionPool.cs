using System.Threading.Channels;

namespace Pipeline.Local.Aws.Lambda;

/// <summary>
/// The warm processes of one function and the queue they serve. Invocations wait in the queue
/// until a process asks for the next one, so any number of processes share the work.
/// </summary>
internal sealed class FunctionPool(FunctionDefinition definition, LocalLambdaOptions options) : IAsyncDisposable
{
    private readonly Channel<PendingInvocation> queue = Channel.CreateUnbounded<PendingInvocation>();
    private readonly List<FunctionInstance> instances = [];
    private readonly SemaphoreSlim starting = new(1, 1);
    private bool disposed;

    public FunctionDefinition Definition { get; } = definition;

    public string Arn { get; } = $"arn:aws:lambda:{options.Region}:{options.AccountId}:function:{definition.Name}";

    public async Task<InvokeResult> InvokeAsync(byte[] payload, CancellationToken cancel)
    {
        var invocation = new PendingInvocation(Guid.NewGuid().ToString(), payload);
        if (!Definition.IsPublished)
        {
            invocation.TryFail(LambdaServiceErrors.NotPublished,
                $"{Definition.Name} is not published: {Definition.Handler} does not exist. Run ./build.sh package.");
            return await invocation.Outcome.ConfigureAwait(false);
        }

        queue.Writer.TryWrite(invocation);
        await EnsureWarmAsync().ConfigureAwait(false);
        return await invocation.Outcome.WaitAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>Starts processes until the function has as many as it is configured to keep warm.</summary>
    public async Task EnsureWarmAsync()
    {
        await starting.WaitAsync().ConfigureAwait(false);
        try
        {
            while (!disposed && Count() < Definition.Instances)
            {
                var instance = await FunctionInstance.StartAsync(this, options).ConfigureAwait(false);
                lock (instances)
                {
                    instances.Add(instance);
                }
            }
        }
        finally
        {
            starting.Release();
        }
    }

    /// <summary>Waits until all configured processes have finished their init phase (or died trying).</summary>
    public async Task WaitWarmAsync(CancellationToken cancel)
    {
        await EnsureWarmAsync().ConfigureAwait(false);
        FunctionInstance[] snapshot;
        lock (instances)
        {
            snapshot = [.. instances];
        }

        await Task.WhenAll(snapshot.Select(i => i.Ready)).WaitAsync(cancel).ConfigureAwait(false);
    }

    public IReadOnlyList<int> ProcessIds()
    {
        lock (instances)
        {
            return [.. instances.Where(i => i.ProcessId is not null).Select(i => i.ProcessId!.Value)];
        }
    }

    // A process being reaped no longer counts: an invocation arriving meanwhile starts a fresh one.
    private int Count()
    {
        lock (instances)
        {
            return instances.Count(i => !i.IsRetired);
        }
    }

    /// <summary>Stops the processes that have served nothing for <paramref name="idle"/>; answers how many.</summary>
    public int ReapIdle(TimeSpan idle)
    {
        FunctionInstance[] snapshot;
        lock (instances)
        {
            snapshot = [.. instances];
        }

        return snapshot.Count(i => i.TryRetire(idle));
    }

    /// <summary>The next invocation for a process that asked for work; skips those already ended.</summary>
    public async Task<PendingInvocation> TakeAsync(CancellationToken cancel)
    {
        while (true)
        {
            var invocation = await queue.Reader.ReadAsync(cancel).ConfigureAwait(false);
            if (invocation.TryDispatch())
            {
                return invocation;
            }
        }
    }

    /// <summary>Puts back an invocation that a process took just as it died, for the next process.</summary>
    public void Requeue(PendingInvocation invocation)
    {
        invocation.ReleaseDispatch();
        if (!queue.Writer.TryWrite(invocation))
        {
            invocation.TryFail(LambdaServiceErrors.ExitError, "the local Lambda service is shutting down");
        }
    }

    public async Task OnExitedAsync(FunctionInstance instance, bool wasReady, byte[] whyItFailedToStart)
    {
        bool anyReady;
        lock (instances)
        {
            instances.Remove(instance);
            anyReady = instances.Any(i => i.IsReady);
        }

        await instance.DisposeAsync().ConfigureAwait(false);
        if (disposed)
        {
            return;
        }

        if (instance.IsRetired)
        {
            // Reaped for idleness: the next invocation starts a process, as after Lambda reclaims one.
            return;
        }

        if (wasReady)
        {
            // A process that served before is replaced at once, so the function stays warm.
            await EnsureWarmAsync().ConfigureAwait(false);
            return;
        }

        // A process that never got through init would fail the same way again: the waiting callers
        // get its init error, and the next invocation tries a fresh process.
        if (!anyReady)
        {
            while (queue.Reader.TryRead(out var waiting))
            {
                waiting.TryFail(whyItFailedToStart);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        disposed = true;
        FunctionInstance[] snapshot;
        lock (instances)
        {
            snapshot = [.. instances];
            instances.Clear();
        }

        foreach (var instance in snapshot)
        {
            await instance.DisposeAsync().ConfigureAwait(false);
        }

        // Completing the queue only after the processes are gone keeps them from seeing a failed long poll.
        queue.Writer.TryComplete();
        while (queue.Reader.TryRead(out var waiting))
        {
            waiting.TryFail(LambdaServiceErrors.ExitError, "the local Lambda service is shutting down");
        }

        starting.Dispose();
    }
}
