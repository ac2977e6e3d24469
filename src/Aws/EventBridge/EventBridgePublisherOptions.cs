using Amazon.Runtime;
using Portable.Core.Settings;

namespace Portable.Aws.EventBridge;

/// <summary>
/// Where and as whom <see cref="EventBridgePublisher"/> puts events, read from the environment:
/// <c>PORTABLE_EVENTBRIDGE_BUS</c> (default <see cref="DefaultBusName"/>), <c>PORTABLE_EVENTBRIDGE_ENDPOINT</c> (an
/// endpoint override such as the EventBridge emulator; else the SDKs' <c>AWS_ENDPOINT_URL_EVENTBRIDGE</c> or
/// <c>AWS_ENDPOINT_URL</c>; else <c>https://events.{region}.amazonaws.com</c>), the region from <c>AWS_REGION</c> (set
/// by Lambda) or <c>AWS_DEFAULT_REGION</c>, and the credentials from <c>AWS_ACCESS_KEY_ID</c>,
/// <c>AWS_SECRET_ACCESS_KEY</c> and <c>AWS_SESSION_TOKEN</c> (Lambda sets them for the function's role), else the SDK's
/// default chain on first publish.
/// </summary>
public sealed record EventBridgePublisherOptions
{
    /// <summary>The bus every AWS account has.</summary>
    public const string DefaultBusName = "default";

    /// <summary>The bus name (or ARN) variable.</summary>
    public const string BusVariable = "PORTABLE_EVENTBRIDGE_BUS";

    /// <summary>The endpoint override variable.</summary>
    public const string EndpointVariable = "PORTABLE_EVENTBRIDGE_ENDPOINT";

    /// <summary>The AWS SDKs' service-specific endpoint variable (service id <c>EventBridge</c>), read when <see cref="EndpointVariable"/> is unset.</summary>
    public const string SdkEndpointVariable = "AWS_ENDPOINT_URL_EVENTBRIDGE";

    /// <summary>The AWS SDKs' endpoint variable for every service, read last.</summary>
    public const string SharedEndpointVariable = "AWS_ENDPOINT_URL";

    /// <summary>The bus events are put on: a name or an ARN.</summary>
    public string BusName { get; init; } = DefaultBusName;

    /// <summary>An endpoint to use instead of the regional one; null for <c>https://events.{region}.amazonaws.com</c>.</summary>
    public Uri? ServiceUrl { get; init; }

    /// <summary>The region requests are signed for (and whose endpoint is used without <see cref="ServiceUrl"/>).</summary>
    public string? Region { get; init; }

    /// <summary>The credentials to sign with; null resolves the SDK's default chain on first publish.</summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>
    /// How often entries EventBridge answered as retryable (<c>ThrottlingException</c>, <c>InternalFailure</c>) are put
    /// again, alone, before the publish fails. Default 3.
    /// </summary>
    public int MaxEntryRetries { get; init; } = 3;

    /// <summary>The wait before the first retry of such entries, doubled each time (full jitter). Default 100 ms.</summary>
    public TimeSpan EntryRetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The largest entry, and the largest total of one request's entries, in EventBridge's count
    /// (<see cref="EventBridgePublisher.EntrySize"/>). Default <see cref="EventBridgePublisher.MaxEntryBytes"/>, the
    /// 256 KB the PutEvents API reference documents; raise it only where the account's quota is known to be larger
    /// (protocols/README.md records a 1 MB payload for newer buses).
    /// </summary>
    public int MaxEntryBytes { get; init; } = EventBridgePublisher.MaxEntryBytes;

    /// <summary>How long one <c>PutEvents</c> call may take. Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The endpoint requests go to.</summary>
    /// <exception cref="InvalidOperationException">Neither <see cref="ServiceUrl"/> nor <see cref="Region"/> is set.</exception>
    public Uri Endpoint => ServiceUrl
        ?? (Region is { } region
            ? new Uri($"https://events.{region}.amazonaws.com/")
            : throw new InvalidOperationException($"EventBridge needs a region (AWS_REGION) or an endpoint ({EndpointVariable}) to publish to."));

    /// <summary>The region signatures name: <see cref="Region"/>, or <c>us-east-1</c> against an endpoint override.</summary>
    public string SigningRegion => Region ?? "us-east-1";

    /// <summary>Reads the options from <paramref name="settings"/> (the process environment on Lambda).</summary>
    /// <exception cref="SettingsException">An endpoint variable is set but is not an absolute http(s) URL, or only one of the key pair is set.</exception>
    public static EventBridgePublisherOptions From(HostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var keyId = settings.Text("AWS_ACCESS_KEY_ID");
        var secret = settings.Text("AWS_SECRET_ACCESS_KEY");
        if ((keyId is null) != (secret is null))
        {
            throw new SettingsException($"{(keyId is null ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID")} is set without {(keyId is null ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY")}: expected both, or neither to use the SDK's default credentials.");
        }

        return new EventBridgePublisherOptions
        {
            BusName = settings.Text(BusVariable) ?? DefaultBusName,
            ServiceUrl = settings.HttpUri(EndpointVariable) ?? settings.HttpUri(SdkEndpointVariable) ?? settings.HttpUri(SharedEndpointVariable),
            Region = settings.Text("AWS_REGION") ?? settings.Text("AWS_DEFAULT_REGION"),
            Credentials = keyId is null
                ? null
                : settings.Text("AWS_SESSION_TOKEN") is { } token ? new SessionAWSCredentials(keyId, secret, token) : new BasicAWSCredentials(keyId, secret),
        };
    }
}
