namespace Portable.Emulators.Gcp;

/// <summary>Settings of a <see cref="CloudRunFrontDoor"/>; the defaults are a Cloud Run service's.</summary>
public sealed class CloudRunFrontDoorOptions
{
    /// <summary>32 MiB: "Maximum HTTP/1 request size" on the Cloud Run quotas page (cloud.google.com/run/quotas).</summary>
    public const long DefaultMaxRequestBodyBytes = 32L * 1024 * 1024;

    /// <summary>300 s: a service's default request timeout (cloud.google.com/run/docs/configuring/request-timeout).</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The container's address, e.g. <c>http://127.0.0.1:8080/</c>: where requests are forwarded.</summary>
    public required Uri Target { get; set; }

    /// <summary>Request bodies larger than this are refused with the front end's 413 and never reach the container.</summary>
    public long MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;

    /// <summary>
    /// How long the container has to answer (headers and body); after it the caller gets 504 and the upstream request
    /// is cancelled. Cloud Run allows 1 s to 60 min; any positive value is accepted here, so scaled runs can use milliseconds.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = DefaultRequestTimeout;

    /// <summary>The loopback port to listen on; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>The clock of <see cref="RequestTimeout"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
