using System.Buffers;
using Portable.Core.Invocation;

namespace Portable.Gcp.Http;

/// <summary>
/// The trace id of a request, as Cloud Logging wants it in <c>logging.googleapis.com/trace</c>:
/// <c>projects/PROJECT/traces/TRACE_ID</c> (or the bare id when the project is not known). Cloud Run's front end
/// sends trace headers with every request, so this is read per request: on spans, one string for the result.
/// </summary>
internal static class CloudTrace
{
    private const int IdLength = 32;

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>The trace's resource name, or null when neither header carries a well-formed trace id.</summary>
    public static string? ResourceName(InvocationInfo info, string? projectId)
    {
        Span<char> id = stackalloc char[IdLength];
        return !TryReadTraceId(info, id) ? null
            : projectId is null ? new string(id)
            : string.Concat("projects/", projectId, "/traces/", id);
    }

    /// <summary>
    /// The 32-hex-digit trace id from <c>traceparent</c> (<c>00-TRACE-SPAN-FLAGS</c>, W3C Trace Context) or else
    /// from <c>X-Cloud-Trace-Context</c> (<c>TRACE/SPAN;o=1</c>), in lower case; null when neither is well-formed.
    /// </summary>
    public static string? TraceId(InvocationInfo info)
    {
        Span<char> id = stackalloc char[IdLength];
        return TryReadTraceId(info, id) ? new string(id) : null;
    }

    private static bool TryReadTraceId(InvocationInfo info, Span<char> id)
    {
        // traceparent: a 2-digit version, then the trace id, then at least two more dash-separated fields.
        if (info.TraceParent is { Length: > 3 + IdLength } parent && parent.AsSpan(0, 3).IndexOf('-') == 2 && parent[3 + IdLength] == '-'
            && parent.AsSpan(4 + IdLength).Contains('-') && TryCopyTraceId(parent.AsSpan(3, IdLength), id))
        {
            return true;
        }

        if (info.PlatformTraceId is not { } cloud)
        {
            return false;
        }

        var header = cloud.AsSpan();
        var end = header.IndexOf('/');
        end = end >= 0 ? end : header.IndexOf(';');
        return TryCopyTraceId(end >= 0 ? header[..end] : header, id);
    }

    /// <summary>Copies <paramref name="value"/> into <paramref name="id"/> in lower case when it is 32 hex digits, not all zero.</summary>
    private static bool TryCopyTraceId(ReadOnlySpan<char> value, Span<char> id)
    {
        if (value.Length != IdLength || value.ContainsAnyExcept(HexDigits) || !value.ContainsAnyExcept('0'))
        {
            return false;
        }

        value.ToLowerInvariant(id);
        return true;
    }
}
