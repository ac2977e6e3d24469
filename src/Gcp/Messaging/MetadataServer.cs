using System.Net.Http.Json;

namespace Portable.Gcp.Messaging;

/// <summary>
/// The Compute metadata server every Cloud Run instance has (cloud.google.com/compute/docs/metadata): the default
/// service account's OAuth access token, cached until a minute before it expires, and the project id. Requests carry
/// <c>Metadata-Flavor: Google</c>, without which the server refuses them. <c>GCE_METADATA_HOST</c> overrides the host,
/// as in Google's client libraries.
/// </summary>
public sealed class MetadataServer : IDisposable
{
    /// <summary>The default host.</summary>
    public const string DefaultHost = "metadata.google.internal";

    /// <summary>How long before its expiry a token is replaced, so no request leaves with a token about to lapse.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(60);

    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly Uri _root;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (string Token, DateTimeOffset ExpiresAt)? _token;
    private string? _projectId;

    /// <summary>Creates the client for <paramref name="host"/> (<c>host[:port]</c>), or the default host when null.</summary>
    public MetadataServer(HttpClient http, TimeProvider timeProvider, string? host = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _http = http;
        _time = timeProvider;
        _root = new Uri($"http://{(string.IsNullOrWhiteSpace(host) ? DefaultHost : host.Trim())}/computeMetadata/v1/");
    }

    /// <summary>A bearer token for the default service account, fetched once and reused until shortly before it expires.</summary>
    public async ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken = default)
    {
        if (_token is { } cached && _time.GetUtcNow() < cached.ExpiresAt - RefreshMargin)
        {
            return cached.Token;
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_token is { } again && _time.GetUtcNow() < again.ExpiresAt - RefreshMargin)
            {
                return again.Token;
            }

            using var request = Get("instance/service-accounts/default/token");
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(response, "token", cancellationToken).ConfigureAwait(false);
            var token = await response.Content.ReadFromJsonAsync(PubSubWireJsonContext.Default.MetadataToken, cancellationToken).ConfigureAwait(false);
            if (token?.AccessToken is not { Length: > 0 } accessToken || token.ExpiresIn <= 0)
            {
                throw new HttpRequestException("The metadata server's token answer has no access_token or expires_in.");
            }

            _token = (accessToken, _time.GetUtcNow().AddSeconds(token.ExpiresIn));
            return accessToken;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>The project this instance runs in (Cloud Run does not set <c>GOOGLE_CLOUD_PROJECT</c> itself).</summary>
    public async ValueTask<string> GetProjectIdAsync(CancellationToken cancellationToken = default)
    {
        if (_projectId is { } known)
        {
            return known;
        }

        using var request = Get("project/project-id");
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "project id", cancellationToken).ConfigureAwait(false);
        var project = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
        return _projectId = project.Length > 0 ? project : throw new HttpRequestException("The metadata server returned an empty project id.");
    }

    /// <inheritdoc />
    public void Dispose() => _refresh.Dispose();

    private HttpRequestMessage Get(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_root, path));
        request.Headers.Add("Metadata-Flavor", "Google");
        return request;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException($"The metadata server refused the {what} request: {(int)response.StatusCode} {text}", null, response.StatusCode);
        }
    }
}
