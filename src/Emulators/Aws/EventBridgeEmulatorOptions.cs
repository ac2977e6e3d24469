namespace Portable.Emulators.Aws;

/// <summary>Settings of an <see cref="EventBridgeEmulator"/>.</summary>
public sealed record EventBridgeEmulatorOptions
{
    /// <summary>The region in ARNs and events.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>The account in ARNs and events.</summary>
    public string AccountId { get; init; } = "123456789012";

    /// <summary>The loopback port of the PutEvents endpoint; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The clock for event times, event ages and retry waits.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The retry policy of every target that sets none (see <see cref="EventBridgeRetryPolicy.ForTests"/>, <see cref="EventBridgeRetryPolicy.AwsDefault"/>).</summary>
    public EventBridgeRetryPolicy RetryPolicy { get; init; } = EventBridgeRetryPolicy.ForTests;

    /// <summary>
    /// The secret of each access key the emulator knows. Empty (the default): any well-formed SigV4
    /// <c>Authorization</c> for service <c>events</c> is accepted. Otherwise a request signed by another key is refused
    /// (<c>UnrecognizedClientException</c>) and the signature is recomputed and must match (<c>InvalidSignatureException</c>).
    /// </summary>
    public IReadOnlyDictionary<string, string> Credentials { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
