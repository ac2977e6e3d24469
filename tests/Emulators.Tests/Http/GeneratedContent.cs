using System.Net;

namespace Portable.Emulators.Tests.Http;

/// <summary>
/// A request body of <c>length</c> bytes of one letter, written as it is sent (no array of that size): with a
/// Content-Length, or chunked when <c>chunked</c> is true, so a front door sees both shapes of an oversized body.
/// </summary>
internal sealed class GeneratedContent(long length, bool chunked = false, byte fill = (byte)'a') : HttpContent
{
    /// <summary>How many bytes were written to the connection (less than the length when the server refused early).</summary>
    public long Written { get; private set; }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, fill);
        for (var left = length; left > 0;)
        {
            var size = (int)Math.Min(chunk.Length, left);
            await stream.WriteAsync(chunk.AsMemory(0, size));
            left -= size;
            Written += size;
        }
    }

    protected override bool TryComputeLength(out long length1)
    {
        length1 = length;
        return !chunked;
    }
}
