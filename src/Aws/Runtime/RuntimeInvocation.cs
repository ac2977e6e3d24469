namespace Portable.Aws.Runtime;

/// <summary>One invocation as the Runtime API's <c>next</c> response delivers it: the headers and the raw event.</summary>
/// <param name="RequestId"><c>Lambda-Runtime-Aws-Request-Id</c>: the id the response or error is posted under.</param>
/// <param name="Deadline"><c>Lambda-Runtime-Deadline-Ms</c> (Unix epoch milliseconds), when present and valid.</param>
/// <param name="InvokedFunctionArn"><c>Lambda-Runtime-Invoked-Function-Arn</c>, possibly qualified by version or alias.</param>
/// <param name="TraceId"><c>Lambda-Runtime-Trace-Id</c>: the X-Ray header (<c>Root=…;Parent=…;Sampled=…</c>).</param>
/// <param name="ClientContext"><c>Lambda-Runtime-Client-Context</c> JSON (Mobile SDK invokes only).</param>
/// <param name="CognitoIdentity"><c>Lambda-Runtime-Cognito-Identity</c> JSON (Mobile SDK invokes only).</param>
/// <param name="Payload">The event bytes, exactly as the invoker sent them.</param>
public sealed record RuntimeInvocation(
    string RequestId,
    DateTimeOffset? Deadline,
    string? InvokedFunctionArn,
    string? TraceId,
    string? ClientContext,
    string? CognitoIdentity,
    ReadOnlyMemory<byte> Payload);
