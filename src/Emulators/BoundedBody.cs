using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Portable.Emulators;

/// <summary>Reads a request body the way a platform's front door does: whole, or refused once it passes a limit.</summary>
internal static class BoundedBody
{
    /// <summary>The whole body, or null once it passes <paramref name="maxBytes"/> (by Content-Length before reading, or while reading a chunked one).</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, long maxBytes)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var scratch = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(scratch, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(scratch, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }

        return buffer.ToArray();
    }
}
