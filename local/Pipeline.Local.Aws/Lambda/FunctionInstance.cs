using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Local.Aws.DynamoDB;

namespace Pipeline.Local.Aws.Lambda;

/// <summary>
/// One warm process of a function and the Runtime API it alone talks to. Each process gets its own
/// listener so that <c>AWS_LAMBDA_RUNTIME_API</c> is a bare <c>host:port</c>, exactly as on AWS.
/// </summary>
internal sealed class FunctionInstance : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01/runtime";
    private const int MaxResponseBytes = 6 * 1024 * 1024;
    private static int counter;

    private readonly FunctionPool pool;
    private readonly LocalLambdaOptions options;
    private readonly WebApplication server;
    private readonly Queue<string> outputTail = new();
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Fires when the process is gone, so its pending long poll stops taking invocations at once:
    // Kestrel may not notice the dead client's connection before the next invocation is queued.
    private readonly CancellationTokenSource exited = new();

    // Fires when the idle reaper takes the process, so a pending long poll hands no invocation to it.
    private readonly CancellationTokenSource retiring = new();
    private readonly Lock gate = new();
    private long lastActive;
    private volatile bool retired;
    private Process? process;
    private PendingInvocation? current;
    private byte[]? initError;
    private int disposed;

    private FunctionInstance(FunctionPool pool, LocalLambdaOptions options, WebApplication server)
    {
        this.pool = pool;
        this.options = options;
        this.server = server;
        Id = Interlocked.Increment(ref counter);
        lastActive = options.Time.GetTimestamp();
    }

    public int Id { get; }

    public int? ProcessId { get; private set; }

    /// <summary>Completes when the process first asks for work: its init phase is over.</summary>
    public Task Ready => ready.Task;

    public bool IsReady => ready.Task.IsCompleted;

    /// <summary>Stopped by the idle reaper: its exit is not a crash and the pool does not replace it.</summary>
    public bool IsRetired => retired;

    /// <summary>
    /// Stops the process if it has served nothing for <paramref name="idle"/>, as Lambda reclaims an idle
    /// execution environment; false if it is busy, still starting, or was active more recently.
    /// </summary>
    public bool TryRetire(TimeSpan idle)
    {
        lock (gate)
        {
            if (current is not null || !IsReady || retired || options.Time.GetElapsedTime(Interlocked.Read(ref lastActive)) < idle)
            {
                return false;
            }

            retired = true;
        }

        retiring.Cancel();
        Kill();
        return true;
    }

    public static async Task<FunctionInstance> StartAsync(FunctionPool pool, LocalLambdaOptions options)
    {
        var builder = EmbeddedServerLifetime.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024 * 1024);
        var instance = new FunctionInstance(pool, options, builder.Build());
        instance.MapRuntimeApi();
        await instance.server.StartAsync().ConfigureAwait(false);
        instance.StartProcess(new Uri(instance.server.Urls.First()).Authority);
        return instance;
    }

    private void StartProcess(string runtimeApi)
    {
        var def = pool.Definition;
        var native = !def.Handler.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var start = new ProcessStartInfo(native ? def.Handler : DotnetHost.Path)
        {
            WorkingDirectory = def.TaskRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (!native)
        {
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(def.Handler);
        }

        if (!options.InheritEnvironment)
        {
            var path = Environment.GetEnvironmentVariable("PATH");
            start.Environment.Clear();
            if (path is not null)
            {
                start.Environment["PATH"] = path;
            }
        }

        foreach (var (key, value) in RuntimeEnvironment(runtimeApi))
        {
            start.Environment[key] = value;
        }

        process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Output(e.Data);
        process.ErrorDataReceived += (_, e) => Output(e.Data);
        process.Start();
        ProcessId = process.Id;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _ = WatchAsync(process);
    }

    private Dictionary<string, string> RuntimeEnvironment(string runtimeApi)
    {
        var def = pool.Definition;
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AWS_LAMBDA_RUNTIME_API"] = runtimeApi,
            ["AWS_LAMBDA_FUNCTION_NAME"] = def.Name,
            ["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST",
            ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = def.MemoryMb.ToString(CultureInfo.InvariantCulture),
            ["AWS_LAMBDA_LOG_GROUP_NAME"] = $"/aws/lambda/{def.Name}",
            ["AWS_LAMBDA_LOG_STREAM_NAME"] = $"{DateTime.UtcNow:yyyy/MM/dd}/[$LATEST]local{Id:D8}",
            ["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand",
            ["AWS_EXECUTION_ENV"] = "AWS_Lambda_dotnet10",
            ["AWS_REGION"] = options.Region,
            ["AWS_DEFAULT_REGION"] = options.Region,
            ["LAMBDA_TASK_ROOT"] = def.TaskRoot,
            ["_HANDLER"] = Path.GetFileNameWithoutExtension(def.Handler),
            ["LANG"] = "en_US.UTF-8",
            ["TZ"] = ":UTC",
            // The configured memory is the sandbox's limit on AWS; the GC heap cap is the closest local equivalent.
            ["DOTNET_GCHeapHardLimit"] = ((long)def.MemoryMb * 1024 * 1024).ToString("X", CultureInfo.InvariantCulture),
        };
        if (options.Credentials is { } credentials)
        {
            env["AWS_ACCESS_KEY_ID"] = credentials.AccessKeyId;
            env["AWS_SECRET_ACCESS_KEY"] = credentials.SecretAccessKey;
        }

        foreach (var (key, value) in def.Environment)
        {
            env[key] = value;
        }

        return env;
    }

    private void Output(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (outputTail)
        {
            outputTail.Enqueue(line);
            if (outputTail.Count > 20)
            {
                outputTail.Dequeue();
            }
        }

        options.Log?.Invoke(pool.Definition.Name, line);
    }

    private string Tail()
    {
        lock (outputTail)
        {
            return outputTail.Count == 0 ? "" : " Last output: " + string.Join(" | ", outputTail.TakeLast(5));
        }
    }

    private async Task WatchAsync(Process p)
    {
        // On-demand Lambda retries an init that overran its 10 s within the invocation's own timeout,
        // so the effective limit is the larger of the two.
        var initLimit = options.InitTimeout > pool.Definition.Timeout ? options.InitTimeout : pool.Definition.Timeout;
        using var initTimeout = new CancellationTokenSource(initLimit);
        try
        {
            await Task.WhenAny(ready.Task, p.WaitForExitAsync(), Task.Delay(Timeout.Infinite, initTimeout.Token)).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        if (!ready.Task.IsCompleted && !p.HasExited)
        {
            Output($"init did not finish within {initLimit.TotalSeconds:0.#} s: stopping the process");
            Kill();
        }

        await p.WaitForExitAsync().ConfigureAwait(false);
        await exited.CancelAsync().ConfigureAwait(false);
        var exit = p.ExitCode;
        var wasReady = ready.Task.IsCompleted;
        var inFlight = Interlocked.Exchange(ref current, null);
        inFlight?.TryFail(LambdaServiceErrors.ExitError, $"Runtime exited with error: {ExitStatus.Describe(exit)}.{Tail()}");
        var why = initError ?? LambdaServiceErrors.Create(LambdaServiceErrors.ExitError,
            $"{pool.Definition.Name} exited with status {exit} before it was ready to serve.{Tail()}");
        await pool.OnExitedAsync(this, wasReady, why).ConfigureAwait(false);
    }

    public void Kill()
    {
        try
        {
            process?.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private void MapRuntimeApi()
    {
        server.MapGet($"{Prefix}/invocation/next", NextAsync);
        server.MapPost($"{Prefix}/invocation/{{id}}/response", (HttpContext http, string id) => AnswerAsync(http, id, isError: false));
        server.MapPost($"{Prefix}/invocation/{{id}}/error", (HttpContext http, string id) => AnswerAsync(http, id, isError: true));
        server.MapPost($"{Prefix}/init/error", async (HttpContext http) =>
        {
            initError = LambdaServiceErrors.FromRuntime(await ReadBodyAsync(http.Request).ConfigureAwait(false),
                http.Request.Headers["Lambda-Runtime-Function-Error-Type"]);
            return Results.Accepted(value: new { status = "OK" });
        });
    }

    private async Task NextAsync(HttpContext http)
    {
        ready.TrySetResult();
        Interlocked.Exchange(ref lastActive, options.Time.GetTimestamp());
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, exited.Token, retiring.Token);
        PendingInvocation invocation;
        try
        {
            invocation = await pool.TakeAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return;
        }

        lock (gate)
        {
            if (exited.IsCancellationRequested || retired)
            {
                // The process died (or is being reaped) between asking and receiving: the invocation never reached it.
                pool.Requeue(invocation);
                return;
            }

            current = invocation;
        }

        var deadline = DateTimeOffset.UtcNow + pool.Definition.Timeout;
        _ = EnforceTimeoutAsync(invocation);
        var headers = http.Response.Headers;
        headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
        headers["Lambda-Runtime-Deadline-Ms"] = deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        headers["Lambda-Runtime-Invoked-Function-Arn"] = pool.Arn;
        headers["Lambda-Runtime-Trace-Id"] = TraceId.New();
        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync(invocation.Payload).ConfigureAwait(false);
    }

    private async Task EnforceTimeoutAsync(PendingInvocation invocation)
    {
        var timeout = pool.Definition.Timeout;
        if (await Task.WhenAny(invocation.Outcome, Task.Delay(timeout)).ConfigureAwait(false) == invocation.Outcome)
        {
            return;
        }

        // Lambda gives the runtime no grace: the sandbox is reset and the next invocation starts cold.
        if (invocation.TryFail(LambdaServiceErrors.Timedout, $"Task timed out after {timeout.TotalSeconds:0.00} seconds"))
        {
            Interlocked.CompareExchange(ref current, null, invocation);
            Kill();
        }
    }

    private async Task<IResult> AnswerAsync(HttpContext http, string id, bool isError)
    {
        var body = await ReadBodyAsync(http.Request).ConfigureAwait(false);
        var invocation = current;
        if (invocation is null || invocation.RequestId != id || Interlocked.CompareExchange(ref current, null, invocation) != invocation)
        {
            return Results.Json(new { errorMessage = $"Invalid request ID: {id} is not the invocation in flight", errorType = "InvalidRequestID" },
                statusCode: StatusCodes.Status400BadRequest);
        }

        if (!isError && body.Length > MaxResponseBytes)
        {
            invocation.TryFail(LambdaServiceErrors.ResponseTooLarge,
                $"Response payload size ({body.Length} bytes) exceeded maximum allowed payload size ({MaxResponseBytes} bytes).");
            return Results.Json(new { errorMessage = "Exceeded maximum allowed payload size", errorType = "RequestEntityTooLarge" },
                statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        _ = isError
            ? invocation.TryFail(LambdaServiceErrors.FromRuntime(body, http.Request.Headers["Lambda-Runtime-Function-Error-Type"]))
            : invocation.TrySucceed(body);
        return Results.Accepted(value: new { status = "OK" });
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer).ConfigureAwait(false);
        return buffer.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        Kill();
        if (process is not null)
        {
            await process.WaitForExitAsync().ConfigureAwait(false);
            process.Dispose();
        }

        await server.StopAsync().ConfigureAwait(false);
        await server.DisposeAsync().ConfigureAwait(false);
        exited.Dispose();
        retiring.Dispose();
    }
}
