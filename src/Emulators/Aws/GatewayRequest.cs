namespace Portable.Emulators.Aws;

/// <summary>One HTTP request as the gateway received it: the input of <see cref="ApiGatewayEmulator.BuildEvent"/>.</summary>
/// <param name="Method">The method, upper-case.</param>
/// <param name="RawPath">The percent-encoded path as sent, stage prefix included.</param>
/// <param name="RawQueryString">The query string as sent, without '?'.</param>
/// <param name="Headers">Every header line, in order (a name may repeat).</param>
/// <param name="Body">The body bytes.</param>
/// <param name="RequestId">The gateway's request id (<c>requestContext.requestId</c>).</param>
/// <param name="Protocol">For example <c>HTTP/1.1</c>.</param>
/// <param name="SourceIp">The client's address.</param>
/// <param name="Host">The <c>Host</c> the client used.</param>
public sealed record GatewayRequest(
    string Method,
    string RawPath,
    string RawQueryString,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[] Body,
    string RequestId,
    string Protocol,
    string SourceIp,
    string Host);
