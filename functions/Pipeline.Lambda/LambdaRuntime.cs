using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Pipeline.Core.Configuration;

namespace Pipeline.Lambda;

/// <summary>
/// Runs a function the way AWS runs an executable-model .NET function: a loop over the Runtime API
/// at <c>AWS_LAMBDA_RUNTIME_API</c>. Program.Main composes adapters inside <paramref name="init"/>
/// (failures there go to /init/error and the process exits non-zero), then hands over here.
/// </summary>
public static class LambdaRuntime
{
    public const string RuntimeApiVariable = "AWS_LAMBDA_RUNTIME_API";

    /// <summary>Runs until <paramref name="stop"/> fires (exit 0) or the Runtime API goes away (exit 1).</summary>
    /// <param name="classifyErrors">Maps a handler's failure to the error reported; functions over AWS adapters pass
    /// <c>TransientErrors.Classify</c>, so a blip in a dependency reaches the state machine as <c>Pipeline.Transient</c>.</param>
    public static Task<int> RunAsync<TIn, TOut>(
        Func<Task<IFunctionHandler<TIn, TOut>>> init,
        JsonTypeInfo<TIn> input,
        JsonTypeInfo<TOut> output,
        Func<Exception, Exception>? classifyErrors = null,
        CancellationToken stop = default)
    {
        var api = Environment.GetEnvironmentVariable(RuntimeApiVariable);
        if (string.IsNullOrWhiteSpace(api))
        {
            Console.Error.WriteLine($"{RuntimeApiVariable} is not set: this program is a Lambda function and runs under a Lambda Runtime API (on AWS, or `./pipeline invoke`).");
            return Task.FromResult(2);
        }

        return RunAsync(api, init, input, output, stop, classifyErrors);
    }

    /// <summary>
    /// Every function's entry point: read its settings from the environment once with <paramref name="settings"/>
    /// (a missing or malformed one is an init error naming it), build the handler from them, and serve with the
    /// payload types of the function's source-generated <paramref name="json"/> context (no reflection: AOT-safe).
    /// </summary>
    public static Task<int> RunAsync<TSettings, TIn, TOut>(
        Func<SettingsReader, TSettings> settings,
        Func<TSettings, IFunctionHandler<TIn, TOut>> handler,
        JsonSerializerContext json,
        Func<Exception, Exception>? classifyErrors = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(handler);
        return RunAsync(
            () => Task.FromResult(handler(settings(new SettingsReader(Environment.GetEnvironmentVariable)))),
            TypeInfo<TIn>(json),
            TypeInfo<TOut>(json),
            classifyErrors);
    }

    private static JsonTypeInfo<T> TypeInfo<T>(JsonSerializerContext json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return json.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
            ?? throw new InvalidOperationException($"{json.GetType().Name} has no [JsonSerializable(typeof({typeof(T).Name}))]");
    }

    /// <summary>The same loop against an explicit <c>host:port</c>, so tests need not touch process-wide variables.</summary>
    internal static async Task<int> RunAsync<TIn, TOut>(
        string runtimeApi,
        Func<Task<IFunctionHandler<TIn, TOut>>> init,
        JsonTypeInfo<TIn> input,
        JsonTypeInfo<TOut> output,
        CancellationToken stop,
        Func<Exception, Exception>? classifyErrors = null)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);

        using var client = new RuntimeApiClient(runtimeApi);
        IFunctionHandler<TIn, TOut> handler;
        try
        {
            handler = await init().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any start-up failure must reach /init/error, whatever its type.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var error = FunctionError.From(ex);
            Console.Error.WriteLine($"init failed: {error.ErrorType}: {error.ErrorMessage}");
            await client.TryPostInitErrorAsync(error, stop).ConfigureAwait(false);
            return 1;
        }

        var invoker = new Invoker<TIn, TOut>(handler, input, output, classify: classifyErrors);
        while (!stop.IsCancellationRequested)
        {
            Invocation invocation;
            try
            {
                invocation = await client.NextAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return 0;
            }
            catch (HttpRequestException ex)
            {
                // Without the Runtime API there is nothing to serve: AWS would recycle the sandbox.
                Console.Error.WriteLine($"Runtime API at {runtimeApi} is unreachable: {ex.Message}");
                return 1;
            }

            if (invocation.TraceId is not null)
            {
                Environment.SetEnvironmentVariable("_X_AMZN_TRACE_ID", invocation.TraceId);
            }

            var outcome = await invoker.InvokeAsync(invocation).ConfigureAwait(false);
            try
            {
                await (outcome.Error is null
                    ? client.PostResponseAsync(invocation.RequestId, outcome.Response!, stop)
                    : client.PostErrorAsync(invocation.RequestId, outcome.Error, stop)).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return 0;
            }
            catch (HttpRequestException ex)
            {
                Console.Error.WriteLine($"could not report invocation {invocation.RequestId}: {ex.Message}");
                return 1;
            }
        }

        return 0;
    }
}

/// <summary>One invocation as /invocation/next hands it out.</summary>
internal sealed record Invocation(
    string RequestId,
    DateTimeOffset Deadline,
    string InvokedFunctionArn,
    string? TraceId,
    byte[] Payload);

/// <summary>The error document a function reports for an exception: its ASL name, message and stack.</summary>
internal static class FunctionError
{
    public static ErrorDocument From(Exception ex)
    {
        var type = ex is PipelineException pe ? pe.ErrorType : ex.GetType().Name;
        var trace = new StackTrace(ex, fNeedFileInfo: false).ToString()
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new ErrorDocument(type, ex.Message, trace);
    }
}

/// <summary>What to report for one invocation: exactly one of a response body or an error.</summary>
internal sealed record Outcome(byte[]? Response, ErrorDocument? Error);

internal static class HttpStatus
{
    public static bool IsSuccess(HttpStatusCode code) => (int)code is >= 200 and < 300;
}
