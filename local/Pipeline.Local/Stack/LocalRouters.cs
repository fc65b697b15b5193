using Pipeline.Local.Aws.ELBv2;

namespace Pipeline.Local.Stack;

/// <summary>One router of the local stack: its node name, its own ports and haproxy files, and its agent process.</summary>
internal sealed class LocalRouter(string node, int port, int readyPort, string directory)
{
    public string Node { get; } = node;

    /// <summary>HAProxy's port; with one router it is the front port itself.</summary>
    public int Port { get; } = port;

    /// <summary>The agent's GET /ready, the front's health check; 0 with one router (nothing checks it).</summary>
    public int ReadyPort { get; } = readyPort;

    public string Directory { get; } = directory;

    public ChildProcess? Agent { get; set; }

    public DateTime StartedAt { get; set; }

    /// <summary>Set when the router is being replaced or the stack stops: its exit is then no crash.</summary>
    public bool Retired { get; set; }

    /// <summary>Consecutive exits shortly after a start: a router that cannot stay up stops the stack.</summary>
    public int QuickExits { get; set; }
}

/// <summary>Why a router replacement was refused: the message says what to do instead.</summary>
internal sealed class RouterReplacementException(string message, int status) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>
/// The routers of the local stack, as the template's Auto Scaling group and Network Load Balancer
/// run them on AWS. One router (the default) is haproxy under its agent on the front port, as
/// always. With several, each gets its own node name, port, runtime socket and readiness port,
/// which its agent gives its haproxy for the published config's per-router references, and a
/// <see cref="LocalNetworkLoadBalancer"/> on the front port health-checks each agent's /ready as
/// the NLB's target group does. A router that exits on its own is restarted (as systemd's
/// Restart=always and the group's health check would); <see cref="ReplaceAsync"/> replaces one
/// gracefully, as an instance refresh does: out of the front, drained, stopped, and a new one with
/// a new node name started and taken in once ready.
/// </summary>
internal sealed class LocalRouters(
    StackLayout layout,
    int count,
    int frontPort,
    Func<LocalRouter, IReadOnlyList<string>, ChildProcess> startAgent,
    Action<string> step,
    Action<string> crashed) : IAsyncDisposable
{
    /// <summary>The template's router target group keeps a deregistered router this long before it is stopped.</summary>
    public static readonly TimeSpan DeregistrationDelay = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan QuickExit = TimeSpan.FromSeconds(10);
    private const int QuickExitsAllowed = 3;

    private readonly List<LocalRouter> _routers = [];
    private readonly SemaphoreSlim _replacing = new(1, 1);
    private LocalNetworkLoadBalancer? _front;
    private int _generation;
    private bool _stopping;

    public int Count => count;

    /// <summary>The front balancer; null with one router, whose haproxy is the front.</summary>
    public LocalNetworkLoadBalancer? Front => _front;

    public IReadOnlyList<LocalRouter> Running
    {
        get
        {
            lock (_routers)
            {
                return [.. _routers];
            }
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (count == 1)
        {
            var only = new LocalRouter("local", frontPort, 0, layout.Haproxy);
            await StartRouterAsync(only, cancellationToken);
            return;
        }

        _front = new LocalNetworkLoadBalancer(frontPort, NetworkHealthCheck.Local);
        _front.Start();
        var routers = Enumerable.Range(0, count).Select(_ => NewRouter()).ToList();
        foreach (var router in routers)
        {
            await StartRouterAsync(router, cancellationToken);
        }

        foreach (var router in routers)
        {
            await TakeInAsync(router, cancellationToken);
        }
    }

    /// <summary>Replaces <paramref name="node"/> (the oldest router when null); returns the old and the new node names.</summary>
    public async Task<(string Replaced, string By)> ReplaceAsync(string? node, CancellationToken cancellationToken)
    {
        if (_front is null)
        {
            throw new RouterReplacementException(
                "the stack runs one router, on the front port itself: replacing it would drop requests. " +
                "Start the stack with `./pipeline up --routers 2` (or more) to replace one behind the front", 409);
        }

        await _replacing.WaitAsync(cancellationToken);
        try
        {
            var old = Running.FirstOrDefault(r => node is null || r.Node == node) ?? throw new RouterReplacementException(
                $"no router '{node}' runs; the routers are {string.Join(", ", Running.Select(r => r.Node))}", 404);
            old.Retired = true;
            step($"router {old.Node}: out of the front, draining (at most {DeregistrationDelay.TotalSeconds:0} s)");
            var drained = await _front.DeregisterAndDrainAsync(old.Node, DeregistrationDelay, cancellationToken);
            step($"router {old.Node}: {(drained ? "drained" : "still had connections after the delay")}; stopping it");
            await old.Agent!.StopAsync(TimeSpan.FromSeconds(15));
            await old.Agent.DisposeAsync();
            lock (_routers)
            {
                _routers.Remove(old);
            }

            var replacement = NewRouter();
            await StartRouterAsync(replacement, cancellationToken);
            await TakeInAsync(replacement, cancellationToken);
            return (old.Node, replacement.Node);
        }
        finally
        {
            _replacing.Release();
        }
    }

    private LocalRouter NewRouter()
    {
        var node = "local-" + (++_generation).ToString(CultureInfo.InvariantCulture);
        return new LocalRouter(node, FreePort.Next(), FreePort.Next(), Path.Combine(layout.Haproxy, node));
    }

    /// <summary>Registers the router with the front and waits until the front's health check passes.</summary>
    private async Task TakeInAsync(LocalRouter router, CancellationToken cancellationToken)
    {
        _front!.Targets.Register(router.Node, router.Port, router.ReadyPort);
        if (!await _front.WaitUntilHealthyAsync(router.Node, StartLimit, cancellationToken))
        {
            throw new StackFailureException(
                $"router {router.Node} was not ready (GET /ready on {router.ReadyPort}) within {StartLimit.TotalSeconds:0} s; " +
                $"see {layout.Log(LogName(router))}:\n{router.Agent?.Tail()}");
        }

        step($"router {router.Node} is in the front (port {router.Port})");
    }

    private async Task StartRouterAsync(LocalRouter router, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(router.Directory);
        Launch(router);
        lock (_routers)
        {
            _routers.Add(router);
        }

        var deadline = DateTime.UtcNow + StartLimit;
        while (!await FreePort.IsListeningAsync(router.Port, cancellationToken))
        {
            if (router.Agent!.Exited.IsCompleted || DateTime.UtcNow > deadline)
            {
                throw new StackFailureException(
                    $"router {router.Node}: haproxy did not listen on 127.0.0.1:{router.Port} " +
                    $"({(router.Agent.Exited.IsCompleted ? $"the agent exited with {router.Agent.Exited.Result}" : $"within {StartLimit.TotalSeconds:0} s")}; " +
                    $"see {layout.Log(LogName(router))}):\n{router.Agent.Tail()}");
            }

            await Task.Delay(100, cancellationToken);
        }

        _ = SuperviseAsync(router);
    }

    private void Launch(LocalRouter router)
    {
        List<string> arguments =
        [
            "--node", router.Node,
            "--config", Path.Combine(router.Directory, "haproxy.cfg"),
            "--master-socket", Path.Combine(router.Directory, "master.sock"),
        ];
        if (count > 1)
        {
            // Its own port and socket for the published config's "${PIPELINE_ROUTER_...}" references.
            arguments.AddRange(
            [
                "--port", router.Port.ToString(CultureInfo.InvariantCulture),
                "--runtime-socket", Path.Combine(router.Directory, "admin.sock"),
                "--ready-port", router.ReadyPort.ToString(CultureInfo.InvariantCulture),
            ]);
        }

        router.Agent = startAgent(router, arguments);
        router.StartedAt = DateTime.UtcNow;
    }

    /// <summary>Restarts a router that exited without being asked to, with the same node name and ports.</summary>
    private async Task SuperviseAsync(LocalRouter router)
    {
        while (true)
        {
            var agent = router.Agent!;
            var exit = await agent.Exited;
            if (_stopping || router.Retired || !agent.Crashed)
            {
                return;
            }

            router.QuickExits = DateTime.UtcNow - router.StartedAt < QuickExit ? router.QuickExits + 1 : 0;
            if (router.QuickExits >= QuickExitsAllowed)
            {
                crashed($"router {router.Node} exited {QuickExitsAllowed} times within {QuickExit.TotalSeconds:0} s of its start " +
                        $"(last exit code {exit}); see {layout.Log(LogName(router))}. Its last output:\n{agent.Tail()}");
                return;
            }

            step($"router {router.Node} exited with {exit}; restarting it");
            await Task.Delay(TimeSpan.FromSeconds(1));
            if (_stopping || router.Retired)
            {
                return;
            }

            await agent.DisposeAsync();
            // The killed agent's haproxy is left serving, as systemd leaves it with KillMode=process on
            // AWS: the new agent adopts it by its pid file and master socket (or stops it if it does not
            // answer there), so the front port never closes across the agent's restart.
            Launch(router);
        }
    }

    public static string LogName(LocalRouter router) => router.Node == "local" ? "router-agent" : "router-agent-" + router.Node;

    /// <summary>Stops the front, then every router (each agent soft-stops its haproxy so in-flight requests finish).</summary>
    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        if (_front is not null)
        {
            await _front.DisposeAsync();
        }

        foreach (var router in Running)
        {
            router.Retired = true;
            if (router.Agent is { } agent)
            {
                await agent.DisposeAsync();
            }
        }

        _replacing.Dispose();
    }
}
