using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Pipeline.Testing.Iam;

/// <summary>
/// A forwarding proxy in front of one emulator for one caller: every request it passes on is
/// recorded as the IAM actions it needs (<see cref="IamActions"/>). Giving each function process
/// its own proxy as its <c>AWS_ENDPOINT_URL_*</c> tells, per function, which actions really
/// happened. The Host header is forwarded unchanged, so signatures still verify. It can also stand
/// in for a failing dependency: <see cref="FailNext"/> answers requests with a <see cref="ProxyFault"/>.
/// </summary>
public sealed class RecordingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection", "Content-Length", "Host",
    };

    private readonly HttpListener _listener = new();
    private readonly HttpClient _client = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
    private readonly Uri _target;
    private readonly string _service;
    private readonly Task _loop;

    private RecordingProxy(string service, Uri target, int port)
    {
        _service = service;
        _target = target;
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri Endpoint { get; }

    /// <summary>Every action recorded so far, with how often.</summary>
    public ConcurrentDictionary<string, int> Actions { get; } = new(StringComparer.Ordinal);

    /// <summary>How many requests were answered with an injected fault instead of being forwarded.</summary>
    public int Faulted => _faulted;

    private int _faulted;
    private int _faultsLeft;
    private ProxyFault _fault;

    /// <summary>Answers the next <paramref name="count"/> requests with <paramref name="fault"/> instead of forwarding them.</summary>
    public void FailNext(int count, ProxyFault fault)
    {
        if (fault is ProxyFault.Reset or ProxyFault.PrematureEnd)
        {
            throw new ArgumentException($"{fault} needs a FaultyEndpoint: HttpListener always sends whole answers", nameof(fault));
        }

        _fault = fault;
        Volatile.Write(ref _faultsLeft, count);
    }

    public static RecordingProxy Start(string service, Uri target)
    {
        return new RecordingProxy(service, target, FreePort.Next());
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
        }

        _client.Dispose();
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => ForwardAsync(context));
        }
    }

    private bool TakeFault()
    {
        while (true)
        {
            var left = Volatile.Read(ref _faultsLeft);
            if (left <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _faultsLeft, left - 1, left) == left)
            {
                return true;
            }
        }
    }

    private async Task ForwardAsync(HttpListenerContext context)
    {
        var incoming = context.Request;
        try
        {
            using var body = new MemoryStream();
            await incoming.InputStream.CopyToAsync(body);
            var bytes = body.ToArray();
            var pathAndQuery = incoming.RawUrl ?? "/";
            if (TakeFault())
            {
                // A request the dependency never served needs no action recorded (and may be to a service IamActions does not map).
                Interlocked.Increment(ref _faulted);
                await ProxyFaults.WriteAsync(context, _fault, _service);
                return;
            }

            var form = _service == "ec2" ? System.Text.Encoding.UTF8.GetString(bytes) : null;
            foreach (var action in IamActions.Of(_service, incoming.HttpMethod, pathAndQuery, name => incoming.Headers[name], form))
            {
                Actions.AddOrUpdate(action, 1, (_, n) => n + 1);
            }


            using var request = new HttpRequestMessage(new HttpMethod(incoming.HttpMethod), new Uri(_target, pathAndQuery));
            if (bytes.Length > 0 || incoming.HttpMethod is "PUT" or "POST")
            {
                request.Content = new ByteArrayContent(bytes);
            }

            foreach (var name in incoming.Headers.AllKeys.OfType<string>())
            {
                if (HopByHop.Contains(name))
                {
                    continue;
                }

                var value = incoming.Headers[name]!;
                if (!request.Headers.TryAddWithoutValidation(name, value))
                {
                    request.Content ??= new ByteArrayContent([]);
                    request.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            request.Headers.Host = incoming.Headers["Host"];
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var outgoing = context.Response;
            outgoing.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!HopByHop.Contains(name))
                {
                    outgoing.Headers[name] = string.Join(",", values);
                }
            }

            var payload = await response.Content.ReadAsByteArrayAsync();
            if (incoming.HttpMethod != "HEAD")
            {
                outgoing.ContentLength64 = payload.Length;
                await outgoing.OutputStream.WriteAsync(payload);
            }
            else if (response.Content.Headers.ContentLength is { } length)
            {
                outgoing.ContentLength64 = length;
            }

            outgoing.Close();
        }
        catch (Exception e) when (e is HttpRequestException or HttpListenerException or IOException or ObjectDisposedException)
        {
            try
            {
                context.Response.StatusCode = 502;
                context.Response.Close();
            }
            catch (Exception inner) when (inner is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
            }
        }
    }
}
