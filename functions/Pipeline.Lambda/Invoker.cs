using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Pipeline.Lambda;

/// <summary>Turns one invocation's payload into exactly one outcome: it never throws.</summary>
/// <param name="time">The clock the deadline is measured and the token cancelled on (the system's; a test's own).</param>
/// <param name="classify">Turns a handler's failure into the error to report (e.g. a reset connection into
/// <c>Pipeline.Transient</c>); none reports it as thrown.</param>
internal sealed class Invoker<TIn, TOut>(
    IFunctionHandler<TIn, TOut> handler,
    JsonTypeInfo<TIn> input,
    JsonTypeInfo<TOut> output,
    TimeProvider? time = null,
    Func<Exception, Exception>? classify = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>
    /// How long before the deadline the invocation's token fires, so the handler still has time to
    /// stop cleanly and report. Short timeouts get a quarter of their time instead.
    /// </summary>
    internal static readonly TimeSpan CancellationMargin = TimeSpan.FromMilliseconds(500);

    public async Task<Outcome> InvokeAsync(Invocation invocation)
    {
        TIn value;
        try
        {
            value = Deserialize(invocation.Payload);
        }
        catch (InvalidInputException ex)
        {
            return new Outcome(null, FunctionError.From(ex));
        }

        var remaining = invocation.Deadline - _time.GetUtcNow();
        var margin = remaining / 4 < CancellationMargin ? remaining / 4 : CancellationMargin;
        using var deadline = new CancellationTokenSource(remaining - margin > TimeSpan.Zero ? remaining - margin : TimeSpan.Zero, _time);
        var context = new InvocationContext(
            invocation.RequestId, invocation.Deadline, invocation.InvokedFunctionArn, invocation.TraceId, deadline.Token);
        try
        {
            var result = await handler.HandleAsync(value, context).ConfigureAwait(false);
            return new Outcome(JsonSerializer.SerializeToUtf8Bytes(result, output), null);
        }
#pragma warning disable CA1031 // A handler failure is reported through /error, never allowed to end the loop.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new Outcome(null, FunctionError.From(classify is null ? ex : classify(ex)));
        }
    }

    private TIn Deserialize(byte[] payload)
    {
        TIn? value;
        try
        {
            value = JsonSerializer.Deserialize(payload, input);
        }
        catch (JsonException ex)
        {
            throw new InvalidInputException(Describe(ex), ex);
        }

        if (value is null)
        {
            throw new InvalidInputException($"the input must be a JSON {typeof(TIn).Name} object, not null");
        }

        (value as IValidatable)?.Validate();
        return value;
    }

    private static string Describe(JsonException ex)
    {
        // System.Text.Json's message already names missing required properties; the path names the
        // field whose value has the wrong shape.
        var path = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? null : ex.Path;
        var message = ex.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut >= 0)
        {
            message = message[..cut];
        }

        return path is null ? $"invalid input: {message}" : $"invalid input at {path}: {message}";
    }
}
