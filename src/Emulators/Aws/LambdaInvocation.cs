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
