using Portable.Core.Http;

namespace Portable.Aws.Events;

/// <summary>An HTTP event read from a Lambda payload: which shape it had, and the neutral request it carries.</summary>
/// <param name="Format">Which event shape arrived; the response is written in the matching shape.</param>
/// <param name="Request">The neutral request.</param>
/// <param name="GatewayRequestId">API Gateway's own request id (<c>requestContext.requestId</c>), if any.</param>
/// <param name="TraceParent">The caller's W3C <c>traceparent</c> header, if any.</param>
public sealed record HttpEvent(HttpEventFormat Format, PortableHttpRequest Request, string? GatewayRequestId, string? TraceParent)
{
    /// <summary>
    /// The response to give without running the function, when the request cannot be read for a reason that is the
    /// client's (a 400 in Core's error shape); null for a request to invoke. <see cref="Request"/> then has no body.
    /// </summary>
    public PortableHttpResponse? Rejection { get; init; }
}
