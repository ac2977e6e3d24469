using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Portable.Core.Storage;
using Portable.Gcp.Messaging;

namespace Portable.Gcp.Storage;

/// <summary>
/// The object-store port on Cloud Storage, through the JSON API's media download:
/// <c>GET {endpoint}storage/v1/b/{bucket}/o/{object}?alt=media[&amp;generation=N]</c> with the object name
/// percent-encoded as one path segment (<c>/</c> → <c>%2F</c>, space → <c>%20</c>), authorised by the default service
/// account's bearer token from the metadata server (cloud.google.com/storage/docs/json_api/v1/objects/get,
/// .../storage/docs/request-endpoints#encoding). The body is streamed, not buffered. The version is the generation
/// (what <see cref="ObjectCreated.Version"/> holds on Google): the one asked for, else the <c>x-goog-generation</c>
/// header when the server sends it. 404 is an <see cref="ObjectNotFoundException"/>; any other refusal an
/// <see cref="HttpRequestException"/> carrying the status and Google's error message, which the resilience pipeline
/// retries for 408, 429 and 5xx.
/// </summary>
public sealed class GcsObjectStore : IObjectStore
{
    /// <summary>The response header naming the generation served (Cloud Storage extension headers).</summary>
    public const string GenerationHeader = "x-goog-generation";

    private readonly HttpClient _http;
    private readonly GcsObjectStoreOptions _options;
    private readonly MetadataServer _metadata;

    /// <summary>Reads through <paramref name="http"/> (which the caller owns), taking tokens from <paramref name="metadata"/>.</summary>
    public GcsObjectStore(HttpClient http, GcsObjectStoreOptions options, MetadataServer metadata)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metadata);
        _http = http;
        _options = options;
        _metadata = metadata;
    }

    /// <summary>The download URL of <paramref name="name"/> in <paramref name="bucket"/>, at <paramref name="generation"/> when given.</summary>
    public Uri DownloadUri(string bucket, string name, string? generation = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var query = generation is null ? "alt=media" : $"alt=media&generation={Uri.EscapeDataString(generation)}";
        return new Uri(_options.Endpoint, $"storage/v1/b/{Uri.EscapeDataString(bucket)}/o/{Uri.EscapeDataString(name)}?{query}");
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="version"/> is not a generation number.</exception>
    /// <exception cref="HttpRequestException">Cloud Storage refused the download for another reason than 404 (its status is on the exception).</exception>
    public async ValueTask<StoredObject> OpenReadAsync(string bucket, string key, string? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (version is not null && !long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new ArgumentException($"Cloud Storage versions are generation numbers; '{version}' is not one.", nameof(version));
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, DownloadUri(bucket, key, version));
        if (_options.Authenticate)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _metadata.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false));
        }

        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new ObjectNotFoundException(bucket, key, version);
            }

            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw new HttpRequestException(
                    $"Cloud Storage refused the download of gs://{bucket}/{key}{(version is null ? string.Empty : "#" + version)}: {(int)response.StatusCode} {GoogleErrorText.Describe(text)}",
                    null,
                    response.StatusCode);
            }

            var served = response.Headers.TryGetValues(GenerationHeader, out var values) ? values.FirstOrDefault() : null;
            var content = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new StoredObject(
                new ResponseStream(content, response),
                response.Content.Headers.ContentType?.ToString(),
                response.Content.Headers.ContentLength,
                response.Headers.ETag?.Tag,
                version ?? served);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>The content stream, owning the response it came from.</summary>
    private sealed class ResponseStream(Stream inner, HttpResponseMessage response) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
