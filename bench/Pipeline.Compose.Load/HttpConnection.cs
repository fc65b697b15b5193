using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pipeline.Compose.Load;

/// <summary>
/// One HTTP/1.1 client connection on a raw socket: writes a prepared request and reads one response
/// to its end (Content-Length, chunked, or until the server closes), keeping only the status code.
/// HttpClient would do the same for several times the CPU, which this generator shares with the stack it measures.
/// </summary>
internal sealed class HttpConnection : IDisposable
{
    private readonly Socket _socket;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _start;
    private int _end;

    private HttpConnection(Socket socket) => _socket = socket;

    /// <summary>Whether this connection carried a response before (a reused one may meet the server's close).</summary>
    public bool Reused { get; private set; }

    /// <summary>Whether the current exchange read any byte of its response (before one, it is safe to send again).</summary>
    public bool GotResponseBytes { get; private set; }

    public static async Task<HttpConnection> OpenAsync(EndPoint server, CancellationToken cancellationToken)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(server, cancellationToken);
            return new HttpConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends the request and reads its response: the status code, and whether the connection may carry another.</summary>
    public async Task<(int Status, bool KeepAlive)> ExchangeAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        GotResponseBytes = false;
        await _socket.SendAsync(request, SocketFlags.None, cancellationToken);
        int headerEnd;
        while ((headerEnd = IndexOf(HeaderEnd)) < 0)
        {
            if (!await FillAsync(cancellationToken))
            {
                throw new IOException("the server closed the connection before a whole response header");
            }
        }

        var (status, length, chunked, keepAlive) = ParseHeader(_buffer.AsSpan(_start, headerEnd - _start));
        _start = headerEnd + HeaderEnd.Length;
        if (status is 204 or 304 || (status >= 100 && status < 200))
        {
            length = 0;
        }

        if (chunked)
        {
            await SkipChunkedAsync(cancellationToken);
        }
        else if (length >= 0)
        {
            await SkipAsync(length, cancellationToken);
        }
        else
        {
            // No framing: the body ends when the server closes.
            while (await FillAsync(cancellationToken))
            {
                _start = _end;
            }

            keepAlive = false;
        }

        Reused = true;
        return (status, keepAlive);
    }

    public void Dispose()
    {
        _socket.Dispose();
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ReadOnlySpan<byte> HeaderEnd => "\r\n\r\n"u8;

    private static ReadOnlySpan<byte> LineEnd => "\r\n"u8;

    private static (int Status, long Length, bool Chunked, bool KeepAlive) ParseHeader(ReadOnlySpan<byte> header)
    {
        var lineEnd = header.IndexOf(LineEnd);
        var statusLine = lineEnd < 0 ? header : header[..lineEnd];
        // "HTTP/1.1 200 OK"
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8)
            || !int.TryParse(statusLine.Slice(9, 3), out var status))
        {
            throw new IOException($"not an HTTP/1.x status line: {Encoding.ASCII.GetString(statusLine)}");
        }

        var keepAlive = statusLine[7] == (byte)'1';
        long length = -1;
        var chunked = false;
        var rest = lineEnd < 0 ? [] : header[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf(LineEnd);
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                length = long.Parse(value, provider: System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                chunked = Ascii.EqualsIgnoreCase(value, "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "connection"u8))
            {
                keepAlive = Ascii.EqualsIgnoreCase(value, "keep-alive"u8)
                    || (keepAlive && !Ascii.EqualsIgnoreCase(value, "close"u8));
            }
        }

        return (status, length, chunked, keepAlive);
    }

    private async Task SkipChunkedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken);
            var semicolon = line.IndexOf(';');
            var size = Convert.ToInt64(semicolon < 0 ? line.Trim() : line[..semicolon].Trim(), 16);
            if (size == 0)
            {
                // Trailers, if any, then the empty line.
                while ((await ReadLineAsync(cancellationToken)).Length > 0)
                {
                }

                return;
            }

            await SkipAsync(size + 2, cancellationToken);
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        int end;
        while ((end = IndexOf(LineEnd)) < 0)
        {
            if (!await FillAsync(cancellationToken))
            {
                throw new IOException("the server closed the connection inside a chunked body");
            }
        }

        var line = Encoding.ASCII.GetString(_buffer, _start, end - _start);
        _start = end + 2;
        return line;
    }

    private async Task SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var available = _end - _start;
            if (available >= count)
            {
                _start += (int)count;
                return;
            }

            count -= available;
            _start = _end;
            if (!await FillAsync(cancellationToken))
            {
                throw new IOException("the server closed the connection before the whole body");
            }
        }
    }

    /// <summary>Reads more bytes after the unread ones; false when the server closed.</summary>
    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        _end += read;
        GotResponseBytes |= read > 0;
        return read > 0;
    }

    private int IndexOf(ReadOnlySpan<byte> value)
    {
        var at = _buffer.AsSpan(_start, _end - _start).IndexOf(value);
        return at < 0 ? -1 : _start + at;
    }
}
