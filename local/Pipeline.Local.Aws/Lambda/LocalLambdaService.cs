using System.Collections.Frozen;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Local.Aws.DynamoDB;

namespace Pipeline.Local.Aws.Lambda;

/// <summary>
/// Lambda on one machine: runs each function's published process warm behind the Runtime API and
/// serves the Invoke API, like <c>sam local start-lambda</c> without a container per call. Host it
/// in-process and call <see cref="InvokeAsync"/>, or <see cref="StartAsync"/> it and point an AWS
/// SDK Lambda client (or a state machine) at <see cref="Endpoint"/>.
/// </summary>
public sealed class LocalLambdaService : IAsyncDisposable
{
    /// <summary>Lambda's limit on a synchronous invocation's payload, which function URLs share.</summary>
    internal const int MaxRequestBytes = 6 * 1024 * 1024;

    private readonly FrozenDictionary<string, FunctionPool> pools;
    private readonly LocalLambdaOptions options;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task reaper;
    private int disposed;
    private WebApplication? server;

    public LocalLambdaService(IEnumerable<FunctionDefinition> functions, LocalLambdaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(functions);
        this.options = options ?? new LocalLambdaOptions();
        pools = functions.ToFrozenDictionary(f => f.Name, f => new FunctionPool(f, this.options), StringComparer.Ordinal);
        reaper = this.options.IdleTimeout is { } idle ? ReapIdleAsync(idle, stopping.Token) : Task.CompletedTask;
    }

    /// <summary>How often idle processes are looked for: a process lives at most a quarter of the idle time too long.</summary>
    internal static TimeSpan ReapInterval(TimeSpan idle) =>
        idle / 4 < TimeSpan.FromSeconds(30) ? idle / 4 : TimeSpan.FromSeconds(30);

    private async Task ReapIdleAsync(TimeSpan idle, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(ReapInterval(idle), options.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                foreach (var pool in pools.Values)
                {
                    if (pool.ReapIdle(idle) is > 0 and var reaped)
                    {
                        options.Log?.Invoke(pool.Definition.Name, $"stopped {reaped} process(es) idle for {idle.TotalSeconds:0} s; the next invocation starts cold");
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    public IReadOnlyCollection<FunctionDefinition> Functions => pools.Values.Select(p => p.Definition).ToArray();

    /// <summary>The Invoke API's base address once started, e.g. http://127.0.0.1:41234.</summary>
    public Uri? Endpoint { get; private set; }

    /// <summary>The ARN callers (and state machines) use for a function.</summary>
    public string ArnOf(string name) => Pool(name).Arn;

    /// <summary>
    /// Invokes a function synchronously (RequestResponse). <paramref name="function"/> is a name or
    /// a function ARN. A function error is a result with <see cref="InvokeResult.FunctionError"/> set,
    /// never an exception; an unknown function throws <see cref="FunctionNotFoundException"/>.
    /// </summary>
    public Task<InvokeResult> InvokeAsync(string function, ReadOnlyMemory<byte> payload, CancellationToken cancel = default) =>
        Pool(function).InvokeAsync(payload.ToArray(), cancel);

    /// <summary>Starts a function's processes now and waits until they are ready to serve.</summary>
    public Task WarmAsync(string function, CancellationToken cancel = default) => Pool(function).WaitWarmAsync(cancel);

    /// <summary>The ids of the processes currently serving a function (for health views and tests).</summary>
    public IReadOnlyList<int> ProcessIds(string function) => Pool(function).ProcessIds();

    /// <summary>Serves the Invoke API on 127.0.0.1 (port 0 picks a free one).</summary>
    public async Task StartAsync(int port = 0, CancellationToken cancel = default)
    {
        var builder = EmbeddedServerLifetime.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024 * 1024);
        server = builder.Build();
        server.MapPost("/2015-03-31/functions/{name}/invocations", InvokeHttpAsync);
        await server.StartAsync(cancel).ConfigureAwait(false);
        Endpoint = new Uri(server.Urls.First());
        if (options.Prewarm)
        {
            foreach (var pool in pools.Values.Where(p => p.Definition.IsPublished))
            {
                await pool.EnsureWarmAsync().ConfigureAwait(false);
            }
        }
    }

    private FunctionPool Pool(string function)
    {
        ArgumentNullException.ThrowIfNull(function);
        // Accepts a name, a full ARN or a partial one (account:function:name), with an optional qualifier.
        var parts = function.Split(':');
        var name = parts.Length switch
        {
            >= 7 => parts[6],
            3 or 4 => parts[2],
            2 => parts[0],
            _ => function,
        };
        return pools.TryGetValue(name, out var pool) ? pool : throw new FunctionNotFoundException(
            $"arn:aws:lambda:{options.Region}:{options.AccountId}:function:{name}");
    }

    private async Task InvokeHttpAsync(HttpContext http, string name)
    {
        var response = http.Response;
        FunctionPool pool;
        try
        {
            pool = Pool(name);
        }
        catch (FunctionNotFoundException ex)
        {
            await WriteServiceErrorAsync(response, StatusCodes.Status404NotFound, FunctionNotFoundException.ErrorType, ex.Message).ConfigureAwait(false);
            return;
        }

        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, http.RequestAborted).ConfigureAwait(false);
        if (body.Length > MaxRequestBytes)
        {
            await WriteServiceErrorAsync(response, StatusCodes.Status413PayloadTooLarge, "RequestTooLargeException",
                $"Request must be smaller than {MaxRequestBytes} bytes for the InvokeFunction operation").ConfigureAwait(false);
            return;
        }

        var payload = body.Length == 0 ? "{}"u8.ToArray() : body.ToArray();
        switch (http.Request.Headers["X-Amz-Invocation-Type"].ToString())
        {
            case "DryRun":
                response.StatusCode = StatusCodes.Status204NoContent;
                return;
            case "Event":
                // Asynchronous invocation: accepted now, run in the background, result discarded as on AWS.
                _ = pool.InvokeAsync(payload, CancellationToken.None);
                response.StatusCode = StatusCodes.Status202Accepted;
                return;
        }

        var result = await pool.InvokeAsync(payload, http.RequestAborted).ConfigureAwait(false);
        response.Headers["x-amzn-RequestId"] = result.RequestId;
        response.Headers["X-Amz-Executed-Version"] = "$LATEST";
        if (result.FunctionError is not null)
        {
            response.Headers["X-Amz-Function-Error"] = result.FunctionError;
        }

        response.ContentType = "application/json";
        await response.Body.WriteAsync(result.Payload, http.RequestAborted).ConfigureAwait(false);
    }

    private static Task WriteServiceErrorAsync(HttpResponse response, int status, string type, string message)
    {
        response.StatusCode = status;
        response.Headers["x-amzn-ErrorType"] = type;
        return response.WriteAsJsonAsync(new ServiceError("User", message), LocalJson.Default.ServiceError);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            await stopping.CancelAsync().ConfigureAwait(false);
            await reaper.ConfigureAwait(false);
            stopping.Dispose();
        }

        if (server is not null)
        {
            await server.StopAsync().ConfigureAwait(false);
            await server.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var pool in pools.Values)
        {
            await pool.DisposeAsync().ConfigureAwait(false);
        }
    }
}
