using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Portable.Core.Messaging;

namespace Portable.Emulators.Gcp;

/// <summary>
/// A local Pub/Sub for one topic with one push subscription, written from cloud.google.com/pubsub/docs/push and the
/// Pub/Sub REST reference. It holds the subscription's queue and pushes one message per POST in the wrapped envelope
/// (<c>{"message":{data, attributes, messageId, message_id, publishTime, publish_time, orderingKey?},
/// "subscription", "deliveryAttempt"?}</c>); 102, 200, 201, 202 and 204 ack, anything else (or no answer within the
/// ack deadline) nacks, and a nacked message comes back after the retry policy's exponential backoff; after
/// <c>maxDeliveryAttempts</c> it is forwarded to the dead-letter topic. It also serves the REST
/// <c>projects.topics.publish</c> call on loopback, so a host started with <c>PUBSUB_EMULATOR_HOST</c> =
/// <see cref="EmulatorHost"/> publishes (and dead-letters) into it. Time comes from the options' clock and nothing runs
/// in the background: the caller says when to push with <see cref="DeliverDueAsync"/>, so tests never sleep.
/// More push subscriptions on the topic can be added (<see cref="AddPushSubscription"/>), one per Eventarc trigger, and
/// pushes can be made as Eventarc delivers them (<see cref="PushFormat.EventarcBinary"/>).
/// Not modelled: ordering keys hold no order, there is no flow control and no retention limit.
/// </summary>
public sealed class PubSubPushEmulator : IAsyncDisposable
{
    /// <summary>
    /// Attributes Pub/Sub adds to a message it forwards to a dead-letter topic (cloud.google.com/pubsub/docs/handling-failures).
    /// </summary>
    public const string DeadLetterDeliveryCountAttribute = "CloudPubSubDeadLetterSourceDeliveryCount";

    /// <summary>The source subscription's name, on a forwarded dead letter.</summary>
    public const string DeadLetterSubscriptionAttribute = "CloudPubSubDeadLetterSourceSubscription";

    /// <summary>The source subscription's project, on a forwarded dead letter.</summary>
    public const string DeadLetterSubscriptionProjectAttribute = "CloudPubSubDeadLetterSourceSubscriptionProject";

    /// <summary>The original publish time, on a forwarded dead letter.</summary>
    public const string DeadLetterPublishTimeAttribute = "CloudPubSubDeadLetterSourceTopicPublishTime";

    /// <summary>The status codes a push endpoint acks with (push docs).</summary>
    public static readonly IReadOnlySet<int> AckStatusCodes = new HashSet<int> { 102, 200, 201, 202, 204 };

    private readonly PubSubPushEmulatorOptions _options;
    private readonly DeliveryProfile _backoff;
    private readonly HttpClient _push = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<PublishedMessage>> _topics = new(StringComparer.Ordinal);
    private readonly List<PendingMessage> _queue = [];
    private readonly List<PushAttempt> _attempts = [];
    private readonly Random _random;
    private readonly HashSet<string> _duplicated = new(StringComparer.Ordinal);
    private readonly List<Subscriber> _subscribers = [];
    private WebApplication? _app;
    private long _nextId = 4_102_184_774_039_362;

    private PubSubPushEmulator(PubSubPushEmulatorOptions options)
    {
        _options = options;
        _backoff = DeliveryProfile.GcpPubSubPush with { RetryDelay = options.MinimumBackoff, MaxRetryDelay = options.MaximumBackoff };
        _random = new Random(options.RandomSeed);
        _subscribers.Add(new Subscriber(SubscriptionName, options.PushEndpoint));
        CreateTopic(options.Topic);
        if (options.DeadLetterTopic is { Length: > 0 } deadLetters)
        {
            CreateTopic(deadLetters);
        }
    }

    /// <summary>The subscription's resource name, <c>projects/P/subscriptions/S</c>, as sent in every push.</summary>
    public string SubscriptionName => $"projects/{_options.ProjectId}/subscriptions/{_options.Subscription ?? _options.Topic + "-push"}";

    /// <summary><c>127.0.0.1:port</c>: the value for <c>PUBSUB_EMULATOR_HOST</c>.</summary>
    public string EmulatorHost { get; private set; } = string.Empty;

    /// <summary>Messages waiting in the subscription (not yet acked or dead-lettered).</summary>
    public int PendingCount { get { lock (_gate) { return _queue.Count; } } }

    /// <summary>When the next waiting message is due, or null when the subscription is empty.</summary>
    public DateTimeOffset? NextDueAt { get { lock (_gate) { return _queue.Count == 0 ? null : _queue.Min(p => p.DueAt); } } }

    /// <summary>Every push so far, in order.</summary>
    public IReadOnlyList<PushAttempt> Attempts { get { lock (_gate) { return [.. _attempts]; } } }

    /// <summary>How many acked messages were queued for one more push by <see cref="PubSubPushEmulatorOptions.DuplicateDeliveryRate"/>.</summary>
    public int DuplicatedCount { get { lock (_gate) { return _duplicated.Count; } } }

    /// <summary>Starts the REST publish API on loopback.</summary>
    public static async Task<PubSubPushEmulator> StartAsync(PubSubPushEmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var emulator = new PubSubPushEmulator(options);
        var app = LoopbackServer.Create("Portable.Emulators.PubSubPushEmulator", options.Port);
        app.Run(emulator.ServeAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        emulator._app = app;
        emulator.EmulatorHost = $"127.0.0.1:{LoopbackServer.BaseAddress(app).Port}";
        return emulator;
    }

    /// <summary>
    /// Adds another push subscription named <paramref name="name"/> to the topic (as each Eventarc trigger on a topic
    /// has its own): every message published from now on is pushed to <paramref name="pushEndpoint"/> too, acked,
    /// retried and dead-lettered on its own.
    /// </summary>
    public void AddPushSubscription(string name, Uri pushEndpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(pushEndpoint);
        lock (_gate)
        {
            _subscribers.Add(new Subscriber($"projects/{_options.ProjectId}/subscriptions/{name}", pushEndpoint));
        }
    }

    /// <summary>Makes a topic known (publishing to an unknown topic is refused with NOT_FOUND, as Pub/Sub does).</summary>
    public void CreateTopic(string topic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        lock (_gate)
        {
            _topics.TryAdd(topic, []);
        }
    }

    /// <summary>Publishes to <paramref name="topic"/>; a message for the subscription's topic is queued for push at once.</summary>
    /// <returns>The server-assigned message id.</returns>
    public string Publish(string topic, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string>? attributes = null, string? orderingKey = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        if (data.IsEmpty && attributes is not { Count: > 0 })
        {
            throw new ArgumentException("A Pub/Sub message needs data or at least one attribute.", nameof(data));
        }

        lock (_gate)
        {
            if (!_topics.TryGetValue(topic, out var log))
            {
                throw new KeyNotFoundException($"Resource not found (resource={topic}).");
            }

            var message = new PublishedMessage(
                (_nextId++).ToString(CultureInfo.InvariantCulture),
                data.ToArray(),
                attributes is null ? new Dictionary<string, string>() : new Dictionary<string, string>(attributes, StringComparer.Ordinal),
                string.IsNullOrEmpty(orderingKey) ? null : orderingKey,
                _options.TimeProvider.GetUtcNow());
            log.Add(message);
            if (topic == _options.Topic)
            {
                foreach (var subscriber in _subscribers)
                {
                    _queue.Add(new PendingMessage(message, 0, message.PublishTime, subscriber));
                }
            }

            return message.MessageId;
        }
    }

    /// <summary>Everything published to <paramref name="topic"/> so far (a dead-letter topic is read this way).</summary>
    public IReadOnlyList<PublishedMessage> Messages(string topic)
    {
        lock (_gate)
        {
            return _topics.TryGetValue(topic, out var log) ? [.. log] : throw new KeyNotFoundException($"Resource not found (resource={topic}).");
        }
    }

    /// <summary>
    /// Pushes every message that is due now, one POST each, in due order, and settles each by its answer: ack, or
    /// nack with backoff, or forward to the dead-letter topic on the last allowed attempt. Up to
    /// <see cref="PubSubPushEmulatorOptions.MaxOutstandingPushes"/> pushes are in flight at once (one by default).
    /// </summary>
    public async Task<IReadOnlyList<PushAttempt>> DeliverDueAsync(CancellationToken cancellationToken = default)
    {
        var now = _options.TimeProvider.GetUtcNow();
        List<PendingMessage> due;
        lock (_gate)
        {
            due = [.. _queue.Where(p => p.DueAt <= now).OrderBy(p => p.DueAt)];
        }

        if (_options.MaxOutstandingPushes > 1)
        {
            var pushed = new PushAttempt[due.Count];
            await Parallel.ForAsync(
                0,
                due.Count,
                new ParallelOptions { MaxDegreeOfParallelism = _options.MaxOutstandingPushes, CancellationToken = cancellationToken },
                async (i, token) => pushed[i] = await PushAsync(due[i], token).ConfigureAwait(false)).ConfigureAwait(false);
            return pushed;
        }

        var results = new List<PushAttempt>(due.Count);
        foreach (var pending in due)
        {
            results.Add(await PushAsync(pending, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>The envelope pushed for <paramref name="message"/> on delivery <paramref name="deliveryAttempt"/>.</summary>
    public byte[] BuildEnvelope(PublishedMessage message, int deliveryAttempt) => BuildEnvelope(message, deliveryAttempt, SubscriptionName);

    /// <summary>The envelope <paramref name="subscription"/> pushes for <paramref name="message"/> on delivery <paramref name="deliveryAttempt"/>.</summary>
    public byte[] BuildEnvelope(PublishedMessage message, int deliveryAttempt, string subscription)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(subscription);
        var buffer = new ArrayBufferWriter<byte>(256 + message.Data.Length * 4 / 3);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("message");
            if (message.Data.Length > 0)
            {
                json.WriteBase64String("data", message.Data);
            }

            if (message.Attributes.Count > 0)
            {
                json.WriteStartObject("attributes");
                foreach (var (name, value) in message.Attributes)
                {
                    json.WriteString(name, value);
                }

                json.WriteEndObject();
            }

            var publishTime = message.PublishTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            json.WriteString("messageId", message.MessageId);
            json.WriteString("message_id", message.MessageId);
            json.WriteString("publishTime", publishTime);
            json.WriteString("publish_time", publishTime);
            if (message.OrderingKey is not null)
            {
                json.WriteString("orderingKey", message.OrderingKey);
            }

            json.WriteEndObject();
            json.WriteString("subscription", subscription);
            if (_options.DeadLetterTopic is not null)
            {
                json.WriteNumber("deliveryAttempt", deliveryAttempt);
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _push.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<PushAttempt> PushAsync(PendingMessage pending, CancellationToken cancellationToken)
    {
        var attempt = pending.Nacks + 1;
        int? status = null;
        string? error = null;
        using (var deadline = new CancellationTokenSource(_options.AckDeadline, _options.TimeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken))
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, pending.Subscriber.PushEndpoint)
                {
                    Content = new ByteArrayContent(BuildEnvelope(pending.Message, attempt, pending.Subscriber.Name)),
                };
                request.Content.Headers.ContentType = new("application/json");
                if (_options.Format == PushFormat.EventarcBinary)
                {
                    request.Headers.TryAddWithoutValidation("ce-specversion", "1.0");
                    request.Headers.TryAddWithoutValidation("ce-id", pending.Message.MessageId);
                    request.Headers.TryAddWithoutValidation("ce-source", $"//pubsub.googleapis.com/projects/{_options.ProjectId}/topics/{_options.Topic}");
                    request.Headers.TryAddWithoutValidation("ce-type", "google.cloud.pubsub.topic.v1.messagePublished");
                    request.Headers.TryAddWithoutValidation("ce-time", pending.Message.PublishTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                }

                request.Headers.TryAddWithoutValidation("User-Agent", "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)");
                request.Headers.TryAddWithoutValidation("From", "noreply@google.com");
                using var response = await _push.SendAsync(request, linked.Token).ConfigureAwait(false);
                status = (int)response.StatusCode;
            }
            catch (HttpRequestException ex)
            {
                error = ex.Message;
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                error = $"No answer within the ack deadline ({_options.AckDeadline.TotalSeconds} s).";
            }
        }

        var now = _options.TimeProvider.GetUtcNow();
        PushOutcome outcome;
        var duplicated = false;
        lock (_gate)
        {
            _queue.Remove(pending);
            if (status is { } code && AckStatusCodes.Contains(code))
            {
                outcome = PushOutcome.Acked;
                if (_options.DuplicateDeliveryRate > 0 && !_duplicated.Contains(pending.Message.MessageId) && _random.NextDouble() < _options.DuplicateDeliveryRate)
                {
                    // At-least-once: Pub/Sub may push an acked message again, same id; here at most once, due at once.
                    _duplicated.Add(pending.Message.MessageId);
                    _queue.Add(pending with { Nacks = attempt, DueAt = now });
                    duplicated = true;
                }
            }
            else if (_options.DeadLetterTopic is not null && attempt >= _options.MaxDeliveryAttempts)
            {
                outcome = PushOutcome.DeadLettered;
            }
            else
            {
                outcome = PushOutcome.Nacked;
                _queue.Add(pending with { Nacks = attempt, DueAt = now + _backoff.BackoffAfter(attempt) });
            }
        }

        if (outcome == PushOutcome.DeadLettered)
        {
            var message = pending.Message;
            var attributes = new Dictionary<string, string>(message.Attributes, StringComparer.Ordinal)
            {
                [DeadLetterDeliveryCountAttribute] = attempt.ToString(CultureInfo.InvariantCulture),
                [DeadLetterSubscriptionAttribute] = pending.Subscriber.Name[(pending.Subscriber.Name.LastIndexOf('/') + 1)..],
                [DeadLetterSubscriptionProjectAttribute] = _options.ProjectId,
                [DeadLetterPublishTimeAttribute] = message.PublishTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            };
            Publish(_options.DeadLetterTopic!, message.Data, attributes, message.OrderingKey);
        }

        var result = new PushAttempt(pending.Message.MessageId, attempt, status, outcome, error, now) { Duplicated = duplicated, Subscription = pending.Subscriber.Name };
        lock (_gate)
        {
            _attempts.Add(result);
        }

        return result;
    }

    /// <summary>Serves <c>POST /v1/projects/{project}/topics/{topic}:publish</c> as the REST API does.</summary>
    private async Task ServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var prefix = $"/v1/projects/{_options.ProjectId}/topics/";
        if (!HttpMethods.IsPost(context.Request.Method) || !path.StartsWith(prefix, StringComparison.Ordinal) || !path.EndsWith(":publish", StringComparison.Ordinal))
        {
            await WriteErrorAsync(context, 404, "NOT_FOUND", $"{context.Request.Method} {path} is not served by the emulator (only projects.topics.publish for project {_options.ProjectId}).").ConfigureAwait(false);
            return;
        }

        var topic = Uri.UnescapeDataString(path[prefix.Length..^":publish".Length]);
        List<(byte[] Data, Dictionary<string, string> Attributes, string? OrderingKey)> batch = [];
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            if (!body.RootElement.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
            {
                await WriteErrorAsync(context, 400, "INVALID_ARGUMENT", "The request must contain at least one message.").ConfigureAwait(false);
                return;
            }

            foreach (var message in messages.EnumerateArray())
            {
                var data = message.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.String ? d.GetBytesFromBase64() : [];
                var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
                if (message.TryGetProperty("attributes", out var a) && a.ValueKind == JsonValueKind.Object)
                {
                    foreach (var attribute in a.EnumerateObject())
                    {
                        attributes[attribute.Name] = attribute.Value.GetString() ?? string.Empty;
                    }
                }

                if (data.Length == 0 && attributes.Count == 0)
                {
                    await WriteErrorAsync(context, 400, "INVALID_ARGUMENT", "Some messages are empty: a message needs data or at least one attribute.").ConfigureAwait(false);
                    return;
                }

                batch.Add((data, attributes, message.TryGetProperty("orderingKey", out var k) ? k.GetString() : null));
            }
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            await WriteErrorAsync(context, 400, "INVALID_ARGUMENT", $"Invalid JSON payload: {ex.Message}").ConfigureAwait(false);
            return;
        }

        List<string> ids = [];
        try
        {
            foreach (var (data, attributes, orderingKey) in batch)
            {
                ids.Add(Publish(topic, data, attributes, orderingKey));
            }
        }
        catch (KeyNotFoundException ex)
        {
            await WriteErrorAsync(context, 404, "NOT_FOUND", ex.Message).ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, 200, json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("messageIds");
            foreach (var id in ids)
            {
                json.WriteStringValue(id);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static Task WriteErrorAsync(HttpContext context, int code, string status, string message) =>
        WriteJsonAsync(context, code, json =>
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteNumber("code", code);
            json.WriteString("message", message);
            json.WriteString("status", status);
            json.WriteEndObject();
            json.WriteEndObject();
        });

    private static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private sealed record PendingMessage(PublishedMessage Message, int Nacks, DateTimeOffset DueAt, Subscriber Subscriber);

    private sealed record Subscriber(string Name, Uri PushEndpoint);
}
