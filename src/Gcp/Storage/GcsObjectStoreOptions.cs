using Portable.Core.Settings;

namespace Portable.Gcp.Storage;

/// <summary>Where <see cref="GcsObjectStore"/> reads objects from, and whether it sends a token.</summary>
public sealed record GcsObjectStoreOptions
{
    /// <summary>The production endpoint of the Cloud Storage JSON API (cloud.google.com/storage/docs/request-endpoints).</summary>
    public static readonly Uri GoogleEndpoint = new("https://storage.googleapis.com/");

    /// <summary>
    /// The emulator variable Google's client libraries honour (Go takes <c>host:port</c>, Python and Node a URL such
    /// as <c>http://localhost:9090</c>); both spellings are accepted, and no credentials are sent to it.
    /// </summary>
    public const string EmulatorHostVariable = "STORAGE_EMULATOR_HOST";

    /// <summary>The API root; <c>storage/v1/b/{bucket}/o/{object}</c> is appended.</summary>
    public Uri Endpoint { get; init; } = GoogleEndpoint;

    /// <summary>Send <c>Authorization: Bearer</c> with a metadata-server token; off for an emulator.</summary>
    public bool Authenticate { get; init; } = true;

    /// <summary>Reads <see cref="EmulatorHostVariable"/>; the production endpoint with metadata-server tokens when unset.</summary>
    /// <exception cref="SettingsException">The variable is neither <c>host:port</c> nor an absolute http(s) URL without query.</exception>
    public static GcsObjectStoreOptions From(HostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Text(EmulatorHostVariable) is not { } emulator)
        {
            return new GcsObjectStoreOptions();
        }

        var text = emulator.Contains("://", StringComparison.Ordinal) ? emulator : $"http://{emulator}";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
        {
            throw new SettingsException(EmulatorHostVariable, emulator, "host:port (plain HTTP) or an http(s) URL such as http://localhost:9090");
        }

        var root = uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
        return new GcsObjectStoreOptions { Endpoint = root, Authenticate = false };
    }
}
