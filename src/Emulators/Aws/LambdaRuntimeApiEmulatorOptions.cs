namespace Portable.Emulators.Aws;

/// <summary>Settings of a <see cref="LambdaRuntimeApiEmulator"/>; the defaults match a plain on-demand Lambda function.</summary>
public sealed class LambdaRuntimeApiEmulatorOptions
{
    /// <summary>
    /// 6 MiB: the synchronous response limit ("6 MB", https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
    /// The Runtime Interface Emulator allows 100 bytes more (<c>interop.MaxPayloadSize</c>).
    /// </summary>
    public const int DefaultMaxResponseBytes = 6 * 1024 * 1024;

    /// <summary>
    /// 6,291,456 bytes: the synchronous invocation request limit ("6 MB", gettingstarted-limits); over it Invoke fails
    /// with RequestEntityTooLargeException "Request must be smaller than 6291456 bytes for the InvokeFunction operation"
    /// (zaccharles.medium.com, "Deep Dive: Lambda's Request Payload Size Limit").
    /// </summary>
    public const int DefaultMaxRequestBytes = 6 * 1024 * 1024;

    /// <summary>The function's name, used in the default ARN.</summary>
    public string FunctionName { get; set; } = "items-api";

    /// <summary>The region, used in the default ARN.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>The account, used in the default ARN.</summary>
    public string AccountId { get; set; } = "123456789012";

    /// <summary>The loopback port to listen on; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Largest body accepted on <c>/response</c>; larger ones get 413 and fail the invocation.</summary>
    public int MaxResponseBytes { get; set; } = DefaultMaxResponseBytes;

    /// <summary>Largest invocation payload accepted; a larger one is refused before it is queued, so the function never sees it.</summary>
    public int MaxRequestBytes { get; set; } = DefaultMaxRequestBytes;

    /// <summary>The clock for deadlines and durations.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The function ARN: <c>arn:aws:lambda:{Region}:{AccountId}:function:{FunctionName}</c>.</summary>
    public string FunctionArn => $"arn:aws:lambda:{Region}:{AccountId}:function:{FunctionName}";
}
