using Portable.Core.Invocation;

namespace Portable.Gcp.Http;

/// <summary>
/// The trace id of a request, as Cloud Logging wants it in <c>logging.googleapis.com/trace</c>:
/// <c>projects/PROJECT/traces/TRACE_ID</c> (or the bare id when the project is not known).
/// </summary>
internal static class CloudTrace
{
    /// <summary>The trace's resource name, or null when neither header carries a well-formed trace id.</summary>
    public static string? ResourceName(InvocationInfo info, string? projectId) =>
        TraceId(info) is { } id ? (projectId is null ? id : $"projects/{projectId}/traces/{id}") : null;

    /// <summary>
    /// The 32-hex-digit trace id from <c>traceparent</c> (<c>00-TRACE-SPAN-FLAGS</c>, W3C Trace Context) or else
    /// from <c>X-Cloud-Trace-Context</c> (<c>TRACE/SPAN;o=1</c>); null when neither is well-formed.
    /// </summary>
    public static string? TraceId(InvocationInfo info)
    {
        if (info.TraceParent is { } parent)
        {
            var parts = parent.Split('-');
            if (parts.Length >= 4 && parts[0].Length == 2 && IsTraceId(parts[1]))
            {
                return parts[1].ToLowerInvariant();
            }
        }

        if (info.PlatformTraceId is { } cloud)
        {
            var slash = cloud.IndexOf('/', StringComparison.Ordinal);
            var id = slash < 0 ? cloud.Split(';')[0] : cloud[..slash];
            if (IsTraceId(id))
            {
                return id.ToLowerInvariant();
            }
        }

        return null;
    }

    private static bool IsTraceId(string value) =>
        value.Length == 32 && value.All(char.IsAsciiHexDigit) && value.Any(c => c != '0');
}
