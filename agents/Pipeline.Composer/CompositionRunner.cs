using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace Pipeline.Composer;

/// <summary>What of the client's request reaches every call.</summary>
/// <param name="Body">The request body (POST compositions), sent unchanged to every call.</param>
public sealed record IncomingRequest(string RequestId, string? Authorization, byte[]? Body, string? ContentType);

/// <summary>One call's result: an answer (status and bytes) or the reason there was none usable.</summary>
internal sealed record CallOutcome(string Name, int? Status, byte[]? Body, bool IsJson, string? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// Runs one composition: every call at once through HAProxy's compose_calls frontend (the service
/// chosen by <see cref="CompositionLines.ServiceHeader"/>), the whole bounded by the composition's
/// timeout, then one JSON answer. A call fails on no answer, a non-2xx status, or (GET) a body that
/// is not JSON; a failed required call makes the answer 502.
/// </summary>
public sealed class CompositionRunner(HttpClient calls)
{
    /// <summary>The largest answer of one call the composer keeps (HttpClient refuses larger bodies).</summary>
    public const int MaxCallBodyBytes = 4 << 20;

    /// <summary>
    /// Idle connections to HAProxy's calls frontend are dropped well before HAProxy would close them,
    /// so a call never goes out on a connection HAProxy is closing for idleness.
    /// </summary>
    public static readonly TimeSpan CallsIdleTimeout = TimeSpan.FromMilliseconds(Pipeline.Core.Routing.HaproxyConfigWriter.CallsKeepAliveMs / 2);

    public static HttpClient CreateClient(Uri callsUrl) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        PooledConnectionIdleTimeout = CallsIdleTimeout,
    })
    {
        BaseAddress = callsUrl,
        Timeout = Timeout.InfiniteTimeSpan,
        MaxResponseContentBufferSize = MaxCallBodyBytes,
    };

    public async Task<(int Status, byte[] Json)> RunAsync(
        Composition composition, IReadOnlyDictionary<string, string> parameters, IncomingRequest request, CancellationToken aborted)
    {
        ArgumentNullException.ThrowIfNull(composition);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        deadline.CancelAfter(composition.TimeoutMs);
        var outcomes = await Task.WhenAll(composition.Calls.Select(call =>
            CallAsync(composition, call.Key, call.Value, parameters, request, deadline.Token, aborted))).ConfigureAwait(false);
        var requiredFailed = outcomes.Any(o => !o.Succeeded && composition.Require.Contains(o.Name));
        var json = composition.Method == "POST"
            ? WritePost(outcomes)
            : WriteGet(outcomes, requiredFailed);
        return (requiredFailed ? (int)HttpStatusCode.BadGateway : (int)HttpStatusCode.OK, json);
    }

    private async Task<CallOutcome> CallAsync(
        Composition composition, string name, CompositionCall call, IReadOnlyDictionary<string, string> parameters,
        IncomingRequest request, CancellationToken deadline, CancellationToken aborted)
    {
        var post = composition.Method == "POST";
        try
        {
            using var message = new HttpRequestMessage(post ? HttpMethod.Post : HttpMethod.Get, PathTemplate.Render(call.Path, parameters));
            message.Headers.TryAddWithoutValidation(CompositionLines.ServiceHeader, call.Service);
            message.Headers.TryAddWithoutValidation("X-Request-Id", request.RequestId);
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (request.Authorization is not null)
            {
                message.Headers.TryAddWithoutValidation("Authorization", request.Authorization);
            }

            if (post)
            {
                message.Content = new ByteArrayContent(request.Body ?? []);
                message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType ?? "application/json");
            }

            using var response = await calls.SendAsync(message, HttpCompletionOption.ResponseContentRead, deadline).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(deadline).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var isJson = IsJson(body);
            var error = status is < 200 or > 299
                ? $"status {status.ToString(CultureInfo.InvariantCulture)}"
                : !post && !isJson ? $"status {status.ToString(CultureInfo.InvariantCulture)} but the body is not JSON" : null;
            return new CallOutcome(name, status, body, isJson, error);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            return new CallOutcome(name, null, null, false,
                $"timed out: no answer within {composition.TimeoutMs.ToString(CultureInfo.InvariantCulture)} ms");
        }
        catch (HttpRequestException e)
        {
            return new CallOutcome(name, null, null, false, Reason(e));
        }
    }

    private static string Reason(HttpRequestException e) => e.InnerException switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException s => $"unreachable: {s.SocketErrorCode}",
        _ when e.Message.Contains("buffer", StringComparison.OrdinalIgnoreCase) => $"the answer is larger than {MaxCallBodyBytes} bytes",
        _ => $"unreachable: {e.HttpRequestError}",
    };

    private static bool IsJson(byte[] body)
    {
        if (body.Length == 0)
        {
            return false;
        }

        var reader = new Utf8JsonReader(body);
        try
        {
            return reader.Read() && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary><c>{"name": body, ..., "errors": {"name": "reason"}}</c>; a 502 carries only the errors.</summary>
    private static byte[] WriteGet(CallOutcome[] outcomes, bool requiredFailed) => Write(json =>
    {
        if (!requiredFailed)
        {
            foreach (var outcome in outcomes.Where(o => o.Succeeded))
            {
                json.WritePropertyName(outcome.Name);
                json.WriteRawValue(outcome.Body, skipInputValidation: true);
            }
        }

        WriteErrors(json, outcomes);
    });

    /// <summary><c>{"name": {"status": 201, "body": json or null}, ..., "errors": {...}}</c>: every call that answered, and why others failed.</summary>
    private static byte[] WritePost(CallOutcome[] outcomes) => Write(json =>
    {
        foreach (var outcome in outcomes.Where(o => o.Status is not null))
        {
            json.WriteStartObject(outcome.Name);
            json.WriteNumber("status", outcome.Status!.Value);
            json.WritePropertyName("body");
            if (outcome.IsJson)
            {
                json.WriteRawValue(outcome.Body, skipInputValidation: true);
            }
            else
            {
                json.WriteNullValue();
            }

            json.WriteEndObject();
        }

        WriteErrors(json, outcomes);
    });

    private static void WriteErrors(Utf8JsonWriter json, CallOutcome[] outcomes)
    {
        if (outcomes.All(o => o.Succeeded))
        {
            return;
        }

        json.WriteStartObject(Composition.ErrorsKey);
        foreach (var outcome in outcomes.Where(o => !o.Succeeded))
        {
            json.WriteString(outcome.Name, outcome.Error);
        }

        json.WriteEndObject();
    }

    private static byte[] Write(Action<Utf8JsonWriter> members)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            members(json);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
