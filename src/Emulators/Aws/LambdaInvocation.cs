using System.Text;

namespace Portable.Emulators.Aws;

/// <summary>One invocation to hand to the function through <see cref="LambdaRuntimeApiEmulator"/>.</summary>
public sealed record LambdaInvocationRequest
{
    /// <summary>The event bytes, delivered as the body of the runtime's <c>next</c> response.</summary>
    public required ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>The function timeout: it sets <c>Lambda-Runtime-Deadline-Ms</c> and how long the emulator waits.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The request id; a new GUID when null (Lambda's ids are GUIDs too).</summary>
    public string? RequestId { get; init; }

    /// <summary>The X-Ray header for <c>Lambda-Runtime-Trace-Id</c>; a fresh <c>Root=1-…;Parent=…;Sampled=0</c> when null.</summary>
    public string? TraceId { get; init; }

    /// <summary>The <c>Lambda-Runtime-Invoked-Function-Arn</c>; the emulator's function ARN when null.</summary>
    public string? InvokedFunctionArn { get; init; }

    /// <summary><c>Lambda-Runtime-Client-Context</c> JSON, sent only when set (as Lambda does for Mobile SDK invokes).</summary>
    public string? ClientContext { get; init; }

    /// <summary><c>Lambda-Runtime-Cognito-Identity</c> JSON, sent only when set.</summary>
    public string? CognitoIdentity { get; init; }
}

/// <summary>How an invocation ended.</summary>
public enum LambdaInvocationOutcome
{
    /// <summary>The runtime posted <c>/response</c>.</summary>
    Success,

    /// <summary>The runtime posted <c>/error</c>, or its response was refused (413 over the payload limit).</summary>
    FunctionError,

    /// <summary>Nothing was posted before the timeout (Lambda's <c>Sandbox.Timeout</c>).</summary>
    Timeout,

    /// <summary>The runtime posted <c>/runtime/init/error</c>; Lambda reports that on the invoke it was waiting for.</summary>
    InitError,
}

/// <summary>What an invocation produced, as the caller of Lambda's Invoke API would see it.</summary>
public sealed record LambdaInvocationResult
{
    /// <summary>The request id the runtime saw in <c>Lambda-Runtime-Aws-Request-Id</c>.</summary>
    public required string RequestId { get; init; }

    /// <summary>How the invocation ended.</summary>
    public required LambdaInvocationOutcome Outcome { get; init; }

    /// <summary>The bytes posted to <c>/response</c> (empty unless <see cref="LambdaInvocationOutcome.Success"/>).</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>
    /// The error type: the <c>Lambda-Runtime-Function-Error-Type</c> header as posted, or the emulator's own
    /// (<c>Function.ResponseSizeTooLarge</c>, <c>Sandbox.Timeout</c>); null on success.
    /// </summary>
    public string? ErrorType { get; init; }

    /// <summary>The error body as posted (normally <c>{"errorMessage","errorType","stackTrace"}</c>); empty on success.</summary>
    public ReadOnlyMemory<byte> ErrorBody { get; init; }

    /// <summary>The <c>Content-Type</c> the error body was posted with, if any.</summary>
    public string? ErrorContentType { get; init; }

    /// <summary>From the invoke call to the runtime's answer (or the timeout).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>True for <see cref="LambdaInvocationOutcome.Success"/>.</summary>
    public bool IsSuccess => Outcome == LambdaInvocationOutcome.Success;

    /// <summary>The response payload as UTF-8 text.</summary>
    public string PayloadText => Encoding.UTF8.GetString(Payload.Span);

    /// <summary>The error body as UTF-8 text.</summary>
    public string ErrorBodyText => Encoding.UTF8.GetString(ErrorBody.Span);
}

/// <summary>What a runtime posted to <c>/runtime/init/error</c>.</summary>
/// <param name="ErrorType">The <c>Lambda-Runtime-Function-Error-Type</c> header (null when absent).</param>
/// <param name="Body">The error body.</param>
/// <param name="ContentType">The body's <c>Content-Type</c>, if any.</param>
public sealed record LambdaInitError(string? ErrorType, ReadOnlyMemory<byte> Body, string? ContentType)
{
    /// <summary>The body as UTF-8 text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body.Span);
}
