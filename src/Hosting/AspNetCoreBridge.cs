using System.Buffers;
using Microsoft.AspNetCore.Http;
using Portable.Core.Http;
using Portable.Core.Invocation;

namespace Portable.Hosting;

/// <summary>
/// Maps ASP.NET Core's request and response to Portable's neutral records and back, for the hosts that are
/// HTTP servers themselves (local, Cloud Run, the Functions custom handler in forwarding mode).
/// </summary>
public static class AspNetCoreBridge
{
    /// <summary>Hop-by-hop and framing headers that a server writes itself.</summary>
    private static readonly HashSet<string> NotCopied = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive",
    };

    /// <summary>
    /// Reads the request into a neutral record. The body is read up to <paramref name="maxBodyBytes"/> + 1 bytes,
    /// so an oversized body is seen as oversized (and refused by Core with 413) without buffering all of it.
    /// </summary>
    public static async ValueTask<PortableHttpRequest> ReadRequestAsync(HttpContext context, int maxBodyBytes, string? pathOverride = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var headers = new HeaderMap.Builder();
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                headers.Add(name, value ?? string.Empty);
            }
        }

        return new PortableHttpRequest
        {
            Method = request.Method.ToUpperInvariant(),
            Path = pathOverride ?? NonEmptyPath((request.PathBase + request.Path).ToUriComponent()),
            QueryString = request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty,
            Headers = headers.Build(),
            Body = await ReadBodyAsync(request.Body, request.ContentLength, maxBodyBytes, context.RequestAborted).ConfigureAwait(false),
        };
    }

    private static string NonEmptyPath(string path) => path.Length == 0 ? "/" : path;

    /// <summary>Writes a neutral response.</summary>
    public static async ValueTask WriteResponseAsync(HttpContext context, PortableHttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(response);
        var target = context.Response;
        target.StatusCode = response.StatusCode;
        foreach (var name in response.Headers.Names)
        {
            if (!NotCopied.Contains(name))
            {
                target.Headers[name] = response.Headers.GetValues(name).ToArray();
            }
        }

        if (!response.Body.IsEmpty)
        {
            target.ContentLength = response.Body.Length;
            await target.Body.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads at most <paramref name="maxBodyBytes"/> + 1 bytes. A declared length over the limit is not read at
    /// all: a buffer of limit + 1 zero bytes stands for it, which is all Core needs to answer 413.
    /// </summary>
    public static async ValueTask<ReadOnlyMemory<byte>> ReadBodyAsync(Stream body, long? contentLength, int maxBodyBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (contentLength == 0)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        if (contentLength > maxBodyBytes)
        {
            return new byte[maxBodyBytes + 1];
        }

        var cap = maxBodyBytes + 1;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(contentLength ?? 16 * 1024, cap));
        try
        {
            var filled = 0;
            while (filled < cap)
            {
                if (filled == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, cap));
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(filled, Math.Min(buffer.Length, cap) - filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }

            return buffer.AsSpan(0, filled).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads the request, invokes, writes the response: the whole job of an HTTP-native host.</summary>
    public static async Task HandleAsync(HttpContext context, HttpInvoker invoker, InvocationInfo info)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(invoker);
        var request = await ReadRequestAsync(context, invoker.MaxRequestBodyBytes).ConfigureAwait(false);
        var response = await invoker.InvokeAsync(request, info, context.RequestAborted).ConfigureAwait(false);
        await WriteResponseAsync(context, response).ConfigureAwait(false);
    }
}
