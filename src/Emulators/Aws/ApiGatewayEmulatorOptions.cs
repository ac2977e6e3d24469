namespace Portable.Emulators.Aws;

/// <summary>Settings of an <see cref="ApiGatewayEmulator"/>.</summary>
public sealed class ApiGatewayEmulatorOptions
{
    /// <summary>10 MB: API Gateway's request payload quota (HTTP and REST APIs).</summary>
    public const int DefaultMaxRequestBodyBytes = 10 * 1024 * 1024;

    /// <summary>The event shape to produce.</summary>
    public ApiGatewayEventFormat Format { get; set; } = ApiGatewayEventFormat.HttpApiV2;

    /// <summary>
    /// The stage. HTTP API: null or <c>$default</c> serves from the root, any other name under <c>/{stage}</c> (and
    /// <c>rawPath</c> keeps the prefix). REST: always under <c>/{stage}</c>, <c>prod</c> when null (<c>path</c> drops it).
    /// Ignored for Function URLs.
    /// </summary>
    public string? Stage { get; set; }

    /// <summary>The function timeout given to each invocation (its <c>Lambda-Runtime-Deadline-Ms</c>).</summary>
    public TimeSpan FunctionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the gateway waits for the function; null uses the platform default — 30 s for HTTP APIs, 29 s for
    /// REST APIs (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html), the function timeout
    /// for Function URLs.
    /// </summary>
    public TimeSpan? IntegrationTimeout { get; set; }

    /// <summary>Request bodies larger than this are refused with 413 before the function is invoked.</summary>
    public int MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;

    /// <summary>The loopback port to listen on; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>The API id (or Function URL id) written into <c>requestContext</c>.</summary>
    public string ApiId { get; set; } = "emulator";

    /// <summary>The clock for <c>requestContext.time</c> and timeouts.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
