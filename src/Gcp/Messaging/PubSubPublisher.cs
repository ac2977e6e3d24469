using System.Net.Http.Headers;
using System.Text.Json;
using Portable.Core.Messaging;

namespace Portable.Gcp.Messaging;

/// <summary>
/// Core's publishing port over Pub/Sub's REST API: <c>POST {endpoint}v1/projects/{project}/topics/{topic}:publish</c>
/// with <c>{"messages":[{"data":base64,"attributes":{…},"orderingKey"?}]}</c>, answered by <c>{"messageIds":[…]}</c>
/// (cloud.google.com/pubsub/docs/reference/rest/v1/projects.topics/publish). Authenticated with the default service
/// account's token from the metadata server; an emulator endpoint takes no credentials. A destination is a topic name
/// from the manifest (the project comes from the options) or a full <c>projects/P/topics/T</c>.
/// </summary>
public sealed class PubSubPublisher : IMessagePublisher
{
    /// <summary>
    /// Core's <see cref="OutgoingMessage"/> has no ordering key, so a publisher that wants one sets this attribute; it is
    /// sent as the message's <c>orderingKey</c> and removed from the attributes.
    /// </summary>
    public const string OrderingKeyAttribute = "portable-ordering-key";

    private readonly HttpClient _http;
    private readonly PubSubPublisherOptions _options;
    private readonly MetadataServer _metadata;

    /// <summary>Creates the publisher a host keeps for its whole life.</summary>
    public PubSubPublisher(HttpClient http, PubSubPublisherOptions options, MetadataServer metadata)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metadata);
        _http = http;
        _options = options;
        _metadata = metadata;
    }

    /// <inheritdoc />
    /// <remarks>
    /// <see cref="OutgoingMessage.MessageId"/> is not sent: Pub/Sub assigns ids and refuses a publisher's
    /// <c>messageId</c>. Pub/Sub requires non-empty data or at least one attribute.
    /// </remarks>
    public async ValueTask<string> PublishAsync(string destination, OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(destination);
        ArgumentNullException.ThrowIfNull(message);
        var topic = await TopicPathAsync(destination, cancellationToken).ConfigureAwait(false);
        var attributes = message.Attributes is { Count: > 0 } given ? new Dictionary<string, string>(given, StringComparer.Ordinal) : null;
        string? orderingKey = null;
        if (attributes is not null && attributes.Remove(OrderingKeyAttribute, out var key))
        {
            orderingKey = key.Length > 0 ? key : null;
            attributes = attributes.Count > 0 ? attributes : null;
        }

        if (message.Body.IsEmpty && attributes is null)
        {
            throw new ArgumentException("A Pub/Sub message needs data or at least one attribute.", nameof(message));
        }

        var body = new PublishRequest(
        [
            new PublishedMessage
            {
                Data = message.Body.IsEmpty ? null : Convert.ToBase64String(message.Body.Span),
                Attributes = attributes,
                OrderingKey = orderingKey,
            },
        ]);

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_options.Endpoint, $"v1/{topic}:publish"))
        {
            // Sized, not streamed: JsonContent would send chunked, which some proxies and emulators read as empty.
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, PubSubWireJsonContext.Default.PublishRequest)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        if (_options.Authenticate)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _metadata.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false));
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Pub/Sub refused the publish to {topic}: {(int)response.StatusCode} {ErrorMessage(text)}", null, response.StatusCode);
        }

        var answer = JsonSerializer.Deserialize(text, PubSubWireJsonContext.Default.PublishResponse);
        return answer?.MessageIds is [var id, ..] && id.Length > 0
            ? id
            : throw new HttpRequestException($"Pub/Sub's publish answer for {topic} has no message id: {text}");
    }

    private async ValueTask<string> TopicPathAsync(string destination, CancellationToken cancellationToken)
    {
        if (destination.StartsWith("projects/", StringComparison.Ordinal))
        {
            return destination;
        }

        var project = _options.ProjectId ?? await _metadata.GetProjectIdAsync(cancellationToken).ConfigureAwait(false);
        return $"projects/{Uri.EscapeDataString(project)}/topics/{Uri.EscapeDataString(destination)}";
    }

    private static string ErrorMessage(string text)
    {
        try
        {
            return JsonSerializer.Deserialize(text, PubSubWireJsonContext.Default.GoogleErrorResponse)?.Error is { } error
                ? $"{error.Status}: {error.Message}"
                : text;
        }
        catch (JsonException)
        {
            return text;
        }
    }
}
