using System.Text;

namespace Portable.Emulators.Aws;

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
    /// (<c>Function.ResponseSizeTooLarge</c>, <c>Sandbox.Timeout</c>, <c>RequestEntityTooLargeException</c>); null on success.
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
