using System.Buffers;
using System.Buffers.Text;
using System.Net.Sockets;
using System.Text;

namespace Portable.Aws.Runtime;

/// <summary>
/// One keep-alive HTTP/1.1 connection to the Runtime API, written for the little that protocol uses: a request is a
/// prepared head and a body sent in one write, an answer is a status, the <c>Lambda-Runtime-*</c> headers and a body
/// framed by <c>Content-Length</c> or chunked (or, failing both, by the end of the connection). The Runtime API is a
/// loopback server inside the sandbox, called twice per invocation, so a general HTTP client's header collections,
/// content objects and connection pool are work for nothing there. A connection the server closed while idle is
/// opened again, and the request sent again once, when no byte of its answer had arrived.
/// </summary>
internal sealed class RuntimeApiConnection : IDisposable
{
    private const int MaxHeadBytes = 64 * 1024;

    private readonly string _host;
    private readonly int _port;
    private byte[] _buffer = new byte[8 * 1024];
    private int _start;
    private int _end;
    private Socket? _socket;
    private volatile bool _aborted;

    /// <summary>A connection to <paramref name="host"/>:<paramref name="port"/>, opened on the first request.</summary>
    public RuntimeApiConnection(string host, int port)
    {
        _host = host;
        _port = port;
    }

    /// <summary>
    /// Sends a request, its <paramref name="head"/> (request line and headers, framing included) then its
    /// <paramref name="body"/>, and reads the whole answer. Throws
    /// <see cref="OperationCanceledException"/> once <see cref="Abort"/> has been called, an <see cref="IOException"/>
    /// when the connection fails, and <see cref="RuntimeApiException"/> for an answer that is not HTTP.
    /// </summary>
    public async ValueTask<RuntimeApiResponse> SendAsync(ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> body)
    {
        var reused = _socket is not null;
        try
        {
            return await SendOnceAsync(head, body).ConfigureAwait(false);
        }
        catch (IOException) when (reused && !_aborted && _end == 0)
        {
            // The server closed the idle connection before this request reached it: a new one, once.
            Close();
            return await SendOnceAsync(head, body).ConfigureAwait(false);
        }
    }

    /// <summary>Closes the connection so that a pending read ends (the long poll of <c>next</c> at shutdown).</summary>
    public void Abort()
    {
        _aborted = true;
        Close();
    }

    /// <inheritdoc />
    public void Dispose() => Abort();

    private async ValueTask<RuntimeApiResponse> SendOnceAsync(ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> body)
    {
        ObjectDisposedException.ThrowIf(_aborted, this);
        var socket = _socket ??= await ConnectAsync().ConfigureAwait(false);
        _start = _end = 0;
        try
        {
            if (head.Length + body.Length <= _buffer.Length)
            {
                // One write, one segment: the receive buffer is free until the answer arrives.
                head.CopyTo(_buffer);
                body.CopyTo(_buffer.AsMemory(head.Length));
                await SendAllAsync(socket, _buffer.AsMemory(0, head.Length + body.Length)).ConfigureAwait(false);
            }
            else
            {
                await SendAllAsync(socket, head).ConfigureAwait(false);
                await SendAllAsync(socket, body).ConfigureAwait(false);
            }

            var answer = await ReadHeadAsync(socket).ConfigureAwait(false);
            var content = answer.ContentLength is { } length ? await ReadExactAsync(socket, length).ConfigureAwait(false)
                : answer.Chunked ? await ReadChunkedAsync(socket).ConfigureAwait(false)
                : answer.StatusCode is 204 or 304 ? [] : await ReadToEndAsync(socket).ConfigureAwait(false);
            if (answer.Close || answer.ContentLength is null && !answer.Chunked)
            {
                Close();
            }

            return new RuntimeApiResponse(answer.StatusCode, answer.Runtime, content);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Close();
            if (_aborted)
            {
                throw new OperationCanceledException("The Runtime API connection was closed at shutdown.", ex);
            }

            throw new IOException($"The Runtime API connection to {_host}:{_port} failed: {ex.Message}", ex);
        }
        catch
        {
            Close(); // a half-read answer leaves the connection unusable
            throw;
        }
    }

    private static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> bytes)
    {
        for (var sent = 0; sent < bytes.Length;)
        {
            sent += await socket.SendAsync(bytes[sent..], SocketFlags.None).ConfigureAwait(false);
        }
    }

    private async ValueTask<Socket> ConnectAsync()
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_host, _port).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private void Close()
    {
        Interlocked.Exchange(ref _socket, null)?.Dispose();
    }

    // Reads more bytes after _end, growing the buffer when it is full; false at the end of the connection.
    private async ValueTask<bool> FillAsync(Socket socket)
    {
        if (_start > 0 && _start == _end)
        {
            _start = _end = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            else
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
        }

        var read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None).ConfigureAwait(false);
        _end += read;
        return read > 0;
    }

    private async ValueTask<ResponseHead> ReadHeadAsync(Socket socket)
    {
        while (true)
        {
            var end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var head = ResponseHead.Parse(_buffer.AsSpan(_start, end + 2));
                _start += end + 4;
                return head;
            }

            if (_end - _start > MaxHeadBytes)
            {
                throw new RuntimeApiException(0, $"The Runtime API sent more than {MaxHeadBytes / 1024} KB of headers.");
            }

            if (!await FillAsync(socket).ConfigureAwait(false))
            {
                throw new IOException(_end == 0 ? "The Runtime API closed the connection without answering." : "The Runtime API closed the connection in the middle of its headers.");
            }
        }
    }

    private async ValueTask<byte[]> ReadExactAsync(Socket socket, int length)
    {
        var body = length == 0 ? [] : GC.AllocateUninitializedArray<byte>(length);
        var buffered = Math.Min(length, _end - _start);
        _buffer.AsSpan(_start, buffered).CopyTo(body);
        _start += buffered;
        for (var filled = buffered; filled < length;)
        {
            var read = await socket.ReceiveAsync(body.AsMemory(filled), SocketFlags.None).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException($"The Runtime API closed the connection after {filled} of {length} body bytes.");
            }

            filled += read;
        }

        return body;
    }

    private async ValueTask<byte[]> ReadChunkedAsync(Socket socket)
    {
        var body = new ArrayBufferWriter<byte>();
        while (true)
        {
            var line = await ReadLineAsync(socket).ConfigureAwait(false);
            var sizeEnd = line.AsSpan().IndexOfAny("; \t"u8);
            if (!Utf8Parser.TryParse(line.AsSpan(0, sizeEnd < 0 ? line.Length : sizeEnd), out int size, out var used, 'x') || used == 0 || size < 0)
            {
                throw new RuntimeApiException(0, $"The Runtime API sent a chunk size that is not hexadecimal: '{Encoding.ASCII.GetString(line)}'.");
            }

            if (size == 0)
            {
                while ((await ReadLineAsync(socket).ConfigureAwait(false)).Length > 0)
                {
                    // trailer fields: none of them matter here
                }

                return body.WrittenSpan.ToArray();
            }

            body.Write(await ReadExactAsync(socket, size).ConfigureAwait(false));
            if ((await ReadLineAsync(socket).ConfigureAwait(false)).Length != 0)
            {
                throw new RuntimeApiException(0, "The Runtime API sent a chunk longer than its size.");
            }
        }
    }

    // One line without its CRLF, copied out of the buffer.
    private async ValueTask<byte[]> ReadLineAsync(Socket socket)
    {
        while (true)
        {
            var end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (end >= 0)
            {
                var line = _buffer.AsSpan(_start, end).ToArray();
                _start += end + 2;
                return line;
            }

            if (_end - _start > MaxHeadBytes || !await FillAsync(socket).ConfigureAwait(false))
            {
                throw new IOException("The Runtime API's chunked body ended early.");
            }
        }
    }

    private async ValueTask<byte[]> ReadToEndAsync(Socket socket)
    {
        while (await FillAsync(socket).ConfigureAwait(false))
        {
        }

        var body = _buffer.AsSpan(_start, _end - _start).ToArray();
        _start = _end;
        return body;
    }

    /// <summary>The parts of an answer's head that matter: status, framing, and the Runtime API's own headers.</summary>
    private readonly record struct ResponseHead(int StatusCode, int? ContentLength, bool Chunked, bool Close, RuntimeApiHeaders Runtime)
    {
        public static ResponseHead Parse(ReadOnlySpan<byte> head)
        {
            var lineEnd = head.IndexOf("\r\n"u8);
            var statusLine = head[..lineEnd];
            if (!statusLine.StartsWith("HTTP/1."u8) || statusLine.Length < 12 || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out var used) || used != 3)
            {
                throw new RuntimeApiException(0, $"The Runtime API answered with something that is not HTTP/1.x: '{Encoding.ASCII.GetString(statusLine[..Math.Min(statusLine.Length, 80)])}'.");
            }

            int? contentLength = null;
            var chunked = false;
            var close = statusLine[7] == (byte)'0'; // HTTP/1.0 closes unless told otherwise
            var runtime = new RuntimeApiHeaders();
            for (var rest = head[(lineEnd + 2)..]; !rest.IsEmpty;)
            {
                var end = rest.IndexOf("\r\n"u8);
                var line = end < 0 ? rest : rest[..end];
                rest = end < 0 ? [] : rest[(end + 2)..];
                var colon = line.IndexOf((byte)':');
                if (colon <= 0)
                {
                    continue;
                }

                var name = line[..colon];
                var value = line[(colon + 1)..].Trim(" \t"u8);
                if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
                {
                    if (!Utf8Parser.TryParse(value, out int length, out var consumed) || consumed != value.Length || length < 0)
                    {
                        throw new RuntimeApiException(0, $"The Runtime API sent Content-Length '{Encoding.ASCII.GetString(value)}'.");
                    }

                    contentLength = length;
                }
                else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
                {
                    chunked = value.EndsWith("chunked"u8) || Ascii.EqualsIgnoreCase(value, "chunked"u8);
                }
                else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
                {
                    close = Ascii.EqualsIgnoreCase(value, "close"u8) || (close && !Ascii.EqualsIgnoreCase(value, "keep-alive"u8));
                }
                else if (name.Length > 15 && Ascii.EqualsIgnoreCase(name[..15], "Lambda-Runtime-"u8) && value.Length > 0)
                {
                    runtime.Set(name[15..], value);
                }
            }

            return new ResponseHead(status, chunked ? null : contentLength, chunked, close, runtime);
        }
    }
}
