using Portable.Core.Settings;

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

    /// <summary>The Pub/Sub emulator variable, as Google's client libraries read it.</summary>
    public const string EmulatorHostVariable = "PUBSUB_EMULATOR_HOST";

    /// <summary>The metadata server override, as Google's auth libraries read it.</summary>
    public const string MetadataHostVariable = "GCE_METADATA_HOST";

    /// <summary>
    /// Reads the usual Google variables: <c>PUBSUB_EMULATOR_HOST</c> (<c>host:port</c>; plain HTTP, no
    /// credentials, as the Pub/Sub emulator and Google's client libraries agree), <c>GOOGLE_CLOUD_PROJECT</c> and
    /// <c>GCE_METADATA_HOST</c> (<c>host[:port]</c>).
    /// </summary>
    /// <exception cref="SettingsException">A variable is set to something that is not what it takes (a URL where a host is
    /// expected, say); the message names the variable, the value and what is accepted.</exception>
    public static PubSubPublisherOptions From(HostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var project = GoogleCloudProject.From(settings);
        var metadata = HostAndPort(settings, MetadataHostVariable, portRequired: false);
        return HostAndPort(settings, EmulatorHostVariable, portRequired: true) is { } emulator
            ? new PubSubPublisherOptions { Endpoint = new Uri($"http://{emulator}/"), ProjectId = project, Authenticate = false, MetadataHost = metadata }
            : new PubSubPublisherOptions { ProjectId = project, MetadataHost = metadata };
    }

    /// <summary>A <c>host:port</c> (or just a host), as these variables take it: no scheme, no path.</summary>
    private static string? HostAndPort(HostSettings settings, string name, bool portRequired)
    {
        if (settings.Text(name) is not { } text)
        {
            return null;
        }

        // Uri leaves the default port out of Authority, hence the second spelling.
        var valid = Uri.TryCreate($"http://{text}/", UriKind.Absolute, out var uri)
            && uri.PathAndQuery == "/"
            && uri.UserInfo.Length == 0
            && (string.Equals(uri.Authority, text, StringComparison.OrdinalIgnoreCase) || string.Equals($"{uri.Host}:{uri.Port}", text, StringComparison.OrdinalIgnoreCase))
            && (!portRequired || text.EndsWith($":{uri.Port}", StringComparison.Ordinal));
        return valid
            ? text
            : throw new SettingsException(name, text, portRequired ? "host:port with no scheme or path, e.g. localhost:8085" : "a host or host:port with no scheme or path, e.g. 169.254.169.254");
    }
}
