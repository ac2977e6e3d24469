namespace Portable.Gcp.Messaging;

/// <summary>Where and how <see cref="PubSubPublisher"/> publishes.</summary>
public sealed record PubSubPublisherOptions
{
    /// <summary>The production endpoint (Pub/Sub REST v1, global).</summary>
    public static readonly Uri GoogleEndpoint = new("https://pubsub.googleapis.com/");

    /// <summary>The API root; <c>v1/projects/{project}/topics/{topic}:publish</c> is appended.</summary>
    public Uri Endpoint { get; init; } = GoogleEndpoint;

    /// <summary>The project, or null to ask the metadata server (Cloud Run does not set <c>GOOGLE_CLOUD_PROJECT</c>).</summary>
    public string? ProjectId { get; init; }

    /// <summary>Send <c>Authorization: Bearer</c> with a metadata-server token. Off for an emulator, which takes none.</summary>
    public bool Authenticate { get; init; } = true;

    /// <summary>The metadata server's <c>host[:port]</c> (<c>GCE_METADATA_HOST</c>), or null for <c>metadata.google.internal</c>.</summary>
    public string? MetadataHost { get; init; }

    /// <summary>
    /// Reads the usual Google variables: <c>PUBSUB_EMULATOR_HOST</c> (<c>host:port</c>; plain HTTP, no
    /// credentials, as the Pub/Sub emulator and Google's client libraries agree), <c>GOOGLE_CLOUD_PROJECT</c> and
    /// <c>GCE_METADATA_HOST</c>.
    /// </summary>
    public static PubSubPublisherOptions FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var project = environment("GOOGLE_CLOUD_PROJECT") is { Length: > 0 } p ? p.Trim() : null;
        var metadata = environment("GCE_METADATA_HOST") is { Length: > 0 } m ? m.Trim() : null;
        return environment("PUBSUB_EMULATOR_HOST") is { Length: > 0 } emulator
            ? new PubSubPublisherOptions { Endpoint = new Uri($"http://{emulator.Trim()}/"), ProjectId = project, Authenticate = false, MetadataHost = metadata }
            : new PubSubPublisherOptions { ProjectId = project, MetadataHost = metadata };
    }
}
