namespace Portable.Emulators.Azure.Durable;

/// <summary>Settings of an emulated Durable task hub.</summary>
public sealed class DurableTaskHubOptions
{
    /// <summary>
    /// The clock: the timestamp of every history event (so of <c>context.CurrentUtcDateTime</c>), timer deadlines and
    /// scheduled starts. Tests pass a <c>FakeTimeProvider</c> and fast-forward timers. Default: the system clock.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The hub name handed to <c>[DurableClient]</c> bindings (<c>taskHubName</c>). Default <c>TestHubName</c>, the host's default.</summary>
    public string TaskHubName { get; init; } = "TestHubName";

    /// <summary>The storage connection setting name handed to <c>[DurableClient]</c> bindings (<c>connectionName</c>).</summary>
    public string ConnectionName { get; init; } = "Storage";

    /// <summary>
    /// The client's largest gRPC message (<c>maxGrpcMessageSizeInBytes</c>); 4,194,304 is the extension's default
    /// (<c>DurableTaskOptions.MaxGrpcMessageSizeInBytes</c>, digest §7).
    /// </summary>
    public int MaxGrpcMessageSizeInBytes { get; init; } = 4_194_304;

    /// <summary>The client's HTTP timeout (<c>grpcHttpClientTimeout</c>); 100 seconds is the extension's default.</summary>
    public TimeSpan GrpcHttpClientTimeout { get; init; } = TimeSpan.FromSeconds(100);
}
