using System.Net;

namespace Pipeline.Local.Aws.Tests.ELBv2;

/// <summary>The balancer over real sockets, with two small HTTP targets whose readiness and answers the test controls.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes test classes through IAsyncLifetime.")]
public sealed class LocalNetworkLoadBalancerTests : IAsyncLifetime
{
    private static readonly NetworkHealthCheck FastCheck = new(TimeSpan.FromMilliseconds(100), 2, 2, TimeSpan.FromSeconds(1));
    private readonly Target _a = new("a");
    private readonly Target _b = new("b");
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(10) };
    private LocalNetworkLoadBalancer _balancer = null!;

    public Task InitializeAsync()
    {
        _balancer = new LocalNetworkLoadBalancer(0, FastCheck);
        _balancer.Start();
        _balancer.Targets.Register("a", _a.Port, _a.Port);
        _balancer.Targets.Register("b", _b.Port, _b.Port);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Forward_WhenATargetIsNotReady_ShouldSendEveryRequestToTheReadyOne()
    {
        _b.Ready = false;
        Assert.True(await _balancer.WaitUntilHealthyAsync("a", TimeSpan.FromSeconds(10), CancellationToken.None));

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => GetAsync("/who")));

        Assert.All(answers, a => Assert.Equal("a", a));
        Assert.Equal(NetworkTargetState.Unhealthy, _balancer.Targets.Describe().Single(t => t.Id == "b").State);
    }

    [Fact]
    public async Task DeregisterAndDrain_WhenARequestIsInFlight_ShouldFinishItAndSendNewOnesElsewhere()
    {
        Assert.True(await _balancer.WaitUntilHealthyAsync("a", TimeSpan.FromSeconds(10), CancellationToken.None));
        Assert.True(await _balancer.WaitUntilHealthyAsync("b", TimeSpan.FromSeconds(10), CancellationToken.None));
        var slow = new List<Task<string>>();
        for (var i = 0; i < 2; i++)
        {
            slow.Add(GetAsync("/slow"));
        }

        await WaitAsync(() => _a.InFlight == 1 && _b.InFlight == 1);

        var draining = _balancer.DeregisterAndDrainAsync("a", TimeSpan.FromSeconds(10), CancellationToken.None);
        var during = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => GetAsync("/who")));
        Assert.False(draining.IsCompleted);
        _a.Release.TrySetResult();
        _b.Release.TrySetResult();

        Assert.True(await draining);
        Assert.Equal(["a", "b"], (await Task.WhenAll(slow)).Order());
        Assert.All(during, a => Assert.Equal("b", a));
        Assert.DoesNotContain(_balancer.Targets.Describe(), t => t.Id == "a");
    }

    private async Task<string> GetAsync(string path) =>
        await _http.GetStringAsync(new Uri($"http://127.0.0.1:{_balancer.Port}{path}"));

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync()
    {
        await _balancer.DisposeAsync();
        _a.Dispose();
        _b.Dispose();
        _http.Dispose();
    }

    /// <summary>An HTTP target: /ready answers 200 or 503, /who its name, /slow its name once released.</summary>
    private sealed class Target : IDisposable
    {
        private readonly HttpListener _listener = new();
        private int _inFlight;

        public Target(string name)
        {
            Port = FreePort.Next();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }

                    _ = Task.Run(() => AnswerAsync(context, name));
                }
            });
        }

        public int Port { get; }

        public bool Ready { get; set; } = true;

        public int InFlight => Volatile.Read(ref _inFlight);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private async Task AnswerAsync(HttpListenerContext context, string name)
        {
            var path = context.Request.Url!.AbsolutePath;
            if (path == "/slow")
            {
                Interlocked.Increment(ref _inFlight);
                await Release.Task;
            }

            context.Response.StatusCode = path == "/ready" && !Ready ? 503 : 200;
            context.Response.KeepAlive = false;
            var body = Encoding.UTF8.GetBytes(name);
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }

        public void Dispose() => _listener.Close();
    }
}
