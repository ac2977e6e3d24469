using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Portable.Core.Http;
using Portable.Core.Invocation;

namespace Portable.Hosting;

/// <summary>
/// Maps ASP.NET Core's request and response to Portable's neutral records and back, for the hosts that are
/// HTTP servers themselves (local, Cloud Run). Each request costs
/// what the neutral records need and no more: no body read when the request cannot have one, a body of known length
/// read straight into its own array, and response headers set without copying their values.
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
    public static ValueTask<PortableHttpRequest> ReadRequestAsync(HttpContext context, int maxBodyBytes, string? pathOverride = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        return CanHaveBody(context)
            ? ReadWithBodyAsync(context, maxBodyBytes, pathOverride)
            : ValueTask.FromResult(ToNeutral(request, pathOverride, ReadOnlyMemory<byte>.Empty));
    }

    /// <summary>Writes a neutral response.</summary>
    public static ValueTask WriteResponseAsync(HttpContext context, PortableHttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(response);
        var target = context.Response;
        target.StatusCode = response.StatusCode;
        var headers = target.Headers;
        foreach (var name in response.Headers.Names)
        {
            if (!NotCopied.Contains(name))
            {
                var values = response.Headers.GetValues(name);
                headers[name] = values.Count == 1 ? new StringValues(values[0]) : new StringValues([.. values]);
            }
        }

        if (response.Body.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        target.ContentLength = response.Body.Length;
        return target.Body.WriteAsync(response.Body, context.RequestAborted);
    }

    /// <summary>
    /// Reads at most <paramref name="maxBodyBytes"/> + 1 bytes. A declared length over the limit is not read at
    /// all: a buffer of limit + 1 zero bytes stands for it, which is all Core needs to answer 413. A declared length
    /// within it is read straight into an array of that size (the server ends the body there).
    /// </summary>
    public static ValueTask<ReadOnlyMemory<byte>> ReadBodyAsync(Stream body, long? contentLength, int maxBodyBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return contentLength switch
        {
            0 => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty),
            > 0 when contentLength > maxBodyBytes => ValueTask.FromResult<ReadOnlyMemory<byte>>(new byte[maxBodyBytes + 1]),
            > 0 => ReadDeclaredAsync(body, (int)contentLength.Value, cancellationToken),
            _ => ReadUndeclaredAsync(body, maxBodyBytes + 1, cancellationToken),
        };
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

    /// <summary>
    /// False when the server knows the request has no body: a declared length of 0, or (Kestrel) neither a length nor
    /// chunked framing, as for almost every GET.
    /// </summary>
    private static bool CanHaveBody(HttpContext context) =>
        context.Request.ContentLength != 0 && context.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: false };

    private static async ValueTask<PortableHttpRequest> ReadWithBodyAsync(HttpContext context, int maxBodyBytes, string? pathOverride)
    {
        var request = context.Request;
        var body = await ReadBodyAsync(request.Body, request.ContentLength, maxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        return ToNeutral(request, pathOverride, body);
    }

    private static PortableHttpRequest ToNeutral(HttpRequest request, string? pathOverride, ReadOnlyMemory<byte> body)
    {
        var headers = new HeaderMap.Builder();
        foreach (var (name, values) in request.Headers)
        {
            if (values.Count == 1)
            {
                headers.Add(name, values[0] ?? string.Empty);
                continue;
            }

            for (var i = 0; i < values.Count; i++)
            {
                headers.Add(name, values[i] ?? string.Empty);
            }
        }

        return new PortableHttpRequest
        {
            // Kestrel hands known methods over as upper-case constants, which ToUpperInvariant returns unchanged.
            Method = request.Method.ToUpperInvariant(),
            Path = pathOverride ?? PathOf(request),
            QueryString = request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty,
            Headers = headers.Build(),
            Body = body,
        };
    }

    private static string PathOf(HttpRequest request)
    {
        var path = (request.PathBase.HasValue ? request.PathBase + request.Path : request.Path).ToUriComponent();
        return path.Length == 0 ? "/" : path;
    }

    private static async ValueTask<ReadOnlyMemory<byte>> ReadDeclaredAsync(Stream body, int length, CancellationToken cancellationToken)
    {
        var buffer = new byte[length];
        var filled = 0;
        while (filled < length)
        {
            var read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return buffer.AsMemory(0, filled);
    }

    private static async ValueTask<ReadOnlyMemory<byte>> ReadUndeclaredAsync(Stream body, int cap, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(16 * 1024, cap));
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
}
