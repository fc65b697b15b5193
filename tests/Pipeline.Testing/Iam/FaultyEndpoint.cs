using System.Net.Sockets;
using System.Text;

namespace Pipeline.Testing.Iam;

/// <summary>
/// A dependency that fails every request one way, at the TCP level where that matters: a reset
/// tears the connection down (RST) without an answer, a premature end promises a body and closes
/// halfway. HttpListener cannot do either (closing a response always sends its headers), so this
/// speaks HTTP/1.1 over a bare socket.
/// </summary>
public sealed class FaultyEndpoint : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _service;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requests;

    public FaultyEndpoint(string service)
    {
        _service = service;
        _listener = new TcpListener(IPAddress.Loopback, FreePort.Next());
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(LoopAsync);
    }

    public Uri Endpoint { get; }

    public ProxyFault Fault { get; set; }

    /// <summary>How many requests it has failed.</summary>
    public int Requests => Volatile.Read(ref _requests);

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            try
            {
                // One request per connection: read its head (the body does not matter), then fail it.
                var buffer = new byte[64 * 1024];
                var head = new StringBuilder();
                while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    head.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                Interlocked.Increment(ref _requests);
                switch (Fault)
                {
                    case ProxyFault.Reset:
                        socket.LingerState = new LingerOption(true, 0);
                        socket.Close();
                        return;
                    case ProxyFault.PrematureEnd:
                        var partial = _service == "s3" ? "<?xml version=\"1.0\"" : "{\"Item\":";
                        await socket.SendAsync(Encoding.ASCII.GetBytes(
                            $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{partial}"), SocketFlags.None, _stop.Token);
                        socket.Shutdown(SocketShutdown.Both);
                        return;
                    default:
                        var (status, reason, type, body) = ProxyFaults.Answer(Fault, _service);
                        await socket.SendAsync(Encoding.UTF8.GetBytes(
                            $"HTTP/1.1 {status} {reason}\r\nContent-Type: {type}\r\nx-amzn-ErrorType: {ProxyFaults.Code(Fault, _service)}\r\n"
                            + $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}"), SocketFlags.None, _stop.Token);
                        socket.Shutdown(SocketShutdown.Both);
                        return;
                }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
