using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Portable.Core.Events;
using Portable.Core.Resilience;

namespace Portable.Aws.EventBridge;

/// <summary>
/// Core's event publishing port on Amazon EventBridge: <c>PutEvents</c> over HTTPS in the AWS JSON 1.1 protocol
/// (<c>X-Amz-Target: AWSEvents.PutEvents</c>), signed with Signature Version 4 by AWSSDK.Core's signer
/// (<see cref="AwsRequestSigner"/>) since no EventBridge SDK is served. Events go in requests of at most
/// <see cref="MaxEntriesPerRequest"/> entries and <see cref="EventBridgePublisherOptions.MaxEntryBytes"/> bytes (256 KB
/// by default); an event whose entry alone is larger is refused before anything is sent. EventBridge takes or refuses each entry on its own
/// (<c>FailedEntryCount</c>, a per-entry <c>ErrorCode</c>): entries refused as retryable (<c>ThrottlingException</c>,
/// <c>InternalFailure</c>, the two codes the API reference calls retryable) are put again alone, with backoff, up to
/// <see cref="EventBridgePublisherOptions.MaxEntryRetries"/> times; any other refusal fails the publish with an
/// <see cref="EventBridgePublishException"/> that says what became of each event. A request refused or lost as a whole
/// before any event was taken (throttling, 5xx, the network) is a <see cref="TransientException"/>, which the publish
/// pipeline retries; once some event was taken it is an <see cref="EventBridgePublishException"/> instead, so a
/// retry does not put the taken ones again. EventBridge gives each event an id of its own: the
/// <see cref="PortableEvent.Id"/> and <see cref="PortableEvent.Attributes"/> do not travel (see
/// <see cref="EventTriggerOptions.IdempotencyKey"/> for handlers that must catch a republished copy).
/// </summary>
public sealed class EventBridgePublisher : IEventPublisher, IDisposable
{
    /// <summary>PutEvents takes at most 10 entries per request (EventBridge quotas).</summary>
    public const int MaxEntriesPerRequest = 10;

    /// <summary>
    /// 256 KB, the default of <see cref="EventBridgePublisherOptions.MaxEntryBytes"/>: the largest entry, and the
    /// largest total of a request's entries, the PutEvents reference documents, as EventBridge counts them — 14 bytes
    /// for the time, plus the UTF-8 bytes of the source, the detail-type, the detail and each resource
    /// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html).
    /// </summary>
    public const int MaxEntryBytes = 256 * 1024;

    /// <summary>The AWS JSON 1.1 operation header's value.</summary>
    public const string Target = "AWSEvents.PutEvents";

    /// <summary>The AWS JSON 1.1 media type.</summary>
    public const string ContentType = "application/x-amz-json-1.1";

    /// <summary>The service name SigV4 signs for.</summary>
    public const string SigningService = "events";

    private const int TimeEntryBytes = 14;
    private static readonly string[] RetryableEntryErrors = ["ThrottlingException", "InternalFailure"];
    private static readonly string[] TransientRequestErrors = ["ThrottlingException", "InternalException", "InternalFailure", "ServiceUnavailable", "ServiceUnavailableException"];

    private readonly EventBridgePublisherOptions _options;
    private readonly TimeProvider _time;
    private readonly Lazy<HttpClient> _http;
    private readonly bool _ownsHttp;
    private readonly Lazy<Task<AWSCredentials>> _credentials;

    /// <summary>Publishes with <paramref name="options"/>; the HTTP client is built on first use, so a function that never publishes pays nothing at cold start.</summary>
    public EventBridgePublisher(EventBridgePublisherOptions options, TimeProvider timeProvider)
        : this(options, timeProvider, null)
    {
    }

    /// <summary>Publishes through <paramref name="http"/> (which the caller owns), for tests and custom handlers.</summary>
    public EventBridgePublisher(EventBridgePublisherOptions options, TimeProvider timeProvider, HttpClient? http)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxEntryRetries);
        _options = options;
        _time = timeProvider;
        _ownsHttp = http is null;
        _http = http is null
            ? new Lazy<HttpClient>(() => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan })
            : new Lazy<HttpClient>(http);
        _credentials = new Lazy<Task<AWSCredentials>>(() => options.Credentials is { } given
            ? Task.FromResult(given)
            : DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(null));
    }

    /// <summary>The settings.</summary>
    public EventBridgePublisherOptions Options => _options;

    /// <summary>The size EventBridge counts for <paramref name="entry"/> against <see cref="MaxEntryBytes"/>.</summary>
    public static int EntrySize(PutEventsRequestEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var size = TimeEntryBytes + Encoding.UTF8.GetByteCount(entry.Source) + Encoding.UTF8.GetByteCount(entry.DetailType) + Encoding.UTF8.GetByteCount(entry.Detail);
        foreach (var resource in entry.Resources ?? [])
        {
            size += Encoding.UTF8.GetByteCount(resource);
        }

        return size;
    }

    /// <summary>The <c>PutEvents</c> entry for <paramref name="event"/> on <paramref name="busName"/>.</summary>
    public static PutEventsRequestEntry ToEntry(PortableEvent @event, string busName)
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentException.ThrowIfNullOrEmpty(busName);
        return new PutEventsRequestEntry(
            @event.Source,
            @event.DetailType,
            @event.Detail.GetRawText(),
            busName,
            Math.Round(@event.Time.ToUnixTimeMilliseconds() / 1000d, 3),
            @event.Resources.Count == 0 ? null : @event.Resources);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">An event's entry is larger than <see cref="EventBridgePublisherOptions.MaxEntryBytes"/>; nothing was sent.</exception>
    /// <exception cref="EventBridgePublishException">EventBridge did not take every event; the exception says which it took.</exception>
    /// <exception cref="TransientException">The request failed before EventBridge took any event; publishing again is safe.</exception>
    public async ValueTask<IReadOnlyList<string>> PublishAsync(IReadOnlyList<PortableEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var entries = new PutEventsRequestEntry[events.Count];
        var sizes = new int[events.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            var @event = events[i] ?? throw new ArgumentException($"Event {i} of the batch is null.", nameof(events));
            entries[i] = ToEntry(@event, _options.BusName);
            sizes[i] = EntrySize(entries[i]);
            if (sizes[i] > _options.MaxEntryBytes)
            {
                throw new ArgumentException(
                    $"Event {i} ('{@event.Id}', {@event.Source} / {@event.DetailType}) is {sizes[i].ToString("N0", CultureInfo.InvariantCulture)} bytes as a PutEvents entry; EventBridge takes at most {_options.MaxEntryBytes.ToString("N0", CultureInfo.InvariantCulture)}. Store a large payload elsewhere (S3) and put a reference to it in the detail.",
                    nameof(events));
            }
        }

        var results = new PutEventsResultEntry?[entries.Length];
        var start = 0;
        while (start < entries.Length)
        {
            // As many entries as one request takes: 10, and MaxEntryBytes in all.
            var end = start;
            var total = 0;
            while (end < entries.Length && end - start < MaxEntriesPerRequest && total + sizes[end] <= _options.MaxEntryBytes)
            {
                total += sizes[end++];
            }

            await PutAsync(entries, results, start, end, cancellationToken).ConfigureAwait(false);
            start = end;
        }

        var ids = new string[entries.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = results[i]!.EventId!;
        }

        return ids;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp && _http.IsValueCreated)
        {
            _http.Value.Dispose();
        }
    }

    // Puts entries [start, end) and fills their results, putting the retryable refusals again; throws once any is refused for good.
    private async Task PutAsync(PutEventsRequestEntry[] entries, PutEventsResultEntry?[] results, int start, int end, CancellationToken cancellationToken)
    {
        var pending = Enumerable.Range(start, end - start).ToList();
        for (var attempt = 0; ; attempt++)
        {
            PutEventsResponse response;
            try
            {
                response = await SendAsync([.. pending.Select(i => entries[i])], cancellationToken).ConfigureAwait(false);
            }
            catch (TransientException ex) when (results.Any(r => r?.EventId is not null))
            {
                throw Failed($"EventBridge failed a PutEvents request after it had taken some of the events ({ex.Message}); they stay published.", results, ex);
            }

            if (response.Entries is not { } answered || answered.Count != pending.Count)
            {
                throw Failed($"EventBridge answered {response.Entries?.Count ?? 0} results for {pending.Count} entries.", results);
            }

            var retry = new List<int>();
            for (var k = 0; k < pending.Count; k++)
            {
                var result = answered[k];
                results[pending[k]] = result;
                if (result.EventId is null && (result.ErrorCode is null || RetryableEntryErrors.Contains(result.ErrorCode, StringComparer.Ordinal)))
                {
                    retry.Add(pending[k]);
                }
            }

            var refused = results.Select((r, i) => (Result: r, Index: i)).Where(x => x.Result is { EventId: null } && !retry.Contains(x.Index)).ToList();
            if (refused.Count > 0)
            {
                var first = refused[0];
                throw Failed(
                    $"EventBridge refused {refused.Count} of the events: event {first.Index} with {first.Result!.ErrorCode}: {first.Result.ErrorMessage}",
                    results);
            }

            if (retry.Count == 0)
            {
                return;
            }

            if (attempt == _options.MaxEntryRetries)
            {
                var last = results[retry[0]]!;
                throw Failed(
                    $"EventBridge still refused {retry.Count} of the events after {_options.MaxEntryRetries} retries: event {retry[0]} with {last.ErrorCode}: {last.ErrorMessage}",
                    results);
            }

            // Full jitter over an exponentially growing cap, as AWS's retry guidance has it.
            var cap = _options.EntryRetryDelay.TotalMilliseconds * Math.Pow(2, attempt);
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * cap), _time, cancellationToken).ConfigureAwait(false);
            pending = retry;
        }
    }

    private static EventBridgePublishException Failed(string message, PutEventsResultEntry?[] results, Exception? inner = null)
    {
        var entries = results.Select(r => r ?? new PutEventsResultEntry { ErrorCode = "NotAttempted", ErrorMessage = "Not put: an earlier entry failed." }).ToArray();
        return inner is null ? new EventBridgePublishException(message, entries) : new EventBridgePublishException(message, entries, inner);
    }

    private async Task<PutEventsResponse> SendAsync(PutEventsRequestEntry[] entries, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new PutEventsRequest(entries), EventBridgeJsonContext.Default.PutEventsRequest);
        var credentials = await (await _credentials.Value.ConfigureAwait(false)).GetCredentialsAsync().ConfigureAwait(false);
        var endpoint = _options.Endpoint;
        var headers = AwsRequestSigner.Sign(
            endpoint,
            new Dictionary<string, string> { ["Content-Type"] = ContentType, ["X-Amz-Target"] = Target },
            body,
            credentials,
            _options.SigningRegion,
            SigningService,
            _time.GetUtcNow().UtcDateTime);

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
            }
            else if (name.Equals("host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Host = value;
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        HttpResponseMessage response;
        byte[] answer;
        try
        {
            response = await _http.Value.SendAsync(request, timeout.Token).ConfigureAwait(false);
            answer = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransientException($"PutEvents to {endpoint} did not answer within {_options.RequestTimeout.TotalSeconds} s.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new TransientException($"PutEvents to {endpoint} failed: {ex.Message}", ex);
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.OK)
            {
                try
                {
                    return JsonSerializer.Deserialize(answer, EventBridgeJsonContext.Default.PutEventsResponse)
                        ?? throw new EventBridgePublishException("EventBridge answered PutEvents with null.");
                }
                catch (JsonException ex)
                {
                    throw new EventBridgePublishException($"EventBridge's answer to PutEvents is not JSON: {ex.Message}", ex);
                }
            }

            var (code, message) = ReadError(answer);
            var status = (int)response.StatusCode;
            var description = $"EventBridge answered PutEvents with {status} {code}: {message}";
            if (status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests || TransientRequestErrors.Contains(code, StringComparer.Ordinal))
            {
                throw new TransientException(description, response.Headers.RetryAfter?.Delta);
            }

            throw new EventBridgePublishException(description);
        }
    }

    // An AWS JSON error: {"__type": "[namespace#]Code", "message" or "Message": "..."}.
    private static (string Code, string Message) ReadError(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var type = root.TryGetProperty("__type", out var t) ? t.GetString() ?? string.Empty : string.Empty;
            var message = root.TryGetProperty("message", out var m) || root.TryGetProperty("Message", out m) ? m.GetString() ?? string.Empty : string.Empty;
            return (type[(type.LastIndexOf('#') + 1)..], message);
        }
        catch (JsonException)
        {
            return ("UnknownError", Encoding.UTF8.GetString(body));
        }
    }
}
