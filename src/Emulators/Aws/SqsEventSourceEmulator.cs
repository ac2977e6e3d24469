using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Portable.Core.Messaging;

namespace Portable.Emulators.Aws;

/// <summary>
/// Lambda's SQS event source mapping with the queue it polls, in process: it holds an SQS standard queue and its
/// dead-letter queue (<c>{queue}-dlq</c>), receives up to <see cref="SqsEventSourceEmulatorOptions.BatchSize"/>
/// visible messages, invokes the function through a <see cref="LambdaRuntimeApiEmulator"/> with an event shaped like
/// <c>protocols/samples/aws-sqs-event.json</c>, deletes what succeeded, leaves what the function listed in
/// <c>batchItemFailures</c> (or the whole batch on an error or timeout) invisible until the visibility timeout ends,
/// and moves a message to the dead-letter queue when it would be received more than <c>maxReceiveCount</c> times
/// (the redrive policy). It also answers the SQS AWS JSON protocol (<c>GetQueueUrl</c>, <c>SendMessage</c>,
/// <c>SendMessageBatch</c>) on <see cref="ServiceUrl"/>, so a function's own SQS publisher and dead-letter sink can
/// send to these queues. Time comes from <see cref="SqsEventSourceEmulatorOptions.TimeProvider"/>: tests advance a
/// fake clock instead of sleeping.
/// <para>
/// A queue whose name ends with <c>.fifo</c> is a FIFO queue, as SQS has them: every message has a group
/// (<c>MessageGroupId</c>), a deduplication id (given, or the body's SHA-256 with
/// <see cref="SqsEventSourceEmulatorOptions.ContentBasedDeduplication"/>) and a sequence number; a message sent again
/// with a deduplication id seen in the last 5 minutes is accepted but not enqueued; a receive takes a group's messages in
/// order and none of a group that still has a message in flight, so each group has at most one batch in flight and is
/// delivered in order (a failed message blocks its group until it is visible again). Its dead-letter queue is
/// <c>{name}-dlq.fifo</c>. Duplicate deliveries (<see cref="SqsEventSourceEmulatorOptions.DuplicateDeliveryRate"/>) are
/// a standard queue's and never happen on a FIFO queue.
/// </para>
/// </summary>
public sealed class SqsEventSourceEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly LambdaRuntimeApiEmulator _lambda;
    private readonly SqsEventSourceEmulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<EmulatedSqsMessage>> _queues = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _poll;
    private readonly Random _random;
    private readonly HashSet<string> _duplicated = new(StringComparer.Ordinal);
    private readonly List<string> _duplicates = [];
    private readonly Dictionary<string, (string MessageId, DateTimeOffset SentAt)> _deduplication = new(StringComparer.Ordinal);
    private long _sequence;

    /// <summary>How long a FIFO queue remembers a deduplication id: 5 minutes (SQS FIFO's deduplication interval).</summary>
    public static readonly TimeSpan DeduplicationInterval = TimeSpan.FromMinutes(5);

    private SqsEventSourceEmulator(WebApplication app, LambdaRuntimeApiEmulator lambda, SqsEventSourceEmulatorOptions options)
    {
        _app = app;
        _lambda = lambda;
        _options = options;
        _time = options.TimeProvider;
        _poll = new SemaphoreSlim(options.MaxConcurrentPolls, options.MaxConcurrentPolls);
        _random = new Random(options.RandomSeed);
        _queues[options.QueueName] = [];
        _queues[DeadLetterQueueName] = [];
    }

    /// <summary>The queue the function is mapped to.</summary>
    public string QueueName => _options.QueueName;

    /// <summary>The redrive target: <c>{queue}-dlq</c>, or <c>{name}-dlq.fifo</c> for a FIFO queue <c>{name}.fifo</c>.</summary>
    public string DeadLetterQueueName => IsFifo(_options.QueueName) ? _options.QueueName[..^FifoSuffix.Length] + "-dlq" + FifoSuffix : _options.QueueName + "-dlq";

    /// <summary>True when the mapped queue is a FIFO queue (its name ends with <c>.fifo</c>).</summary>
    public bool IsFifoQueue => IsFifo(_options.QueueName);

    /// <summary>The queue's ARN, as written in <c>eventSourceARN</c>.</summary>
    public string QueueArn => $"arn:aws:sqs:{_options.Region}:{_options.AccountId}:{_options.QueueName}";

    /// <summary>The SQS endpoint (AWS JSON protocol) for <c>AWS_ENDPOINT_URL_SQS</c>.</summary>
    public Uri ServiceUrl { get; private set; } = null!;

    /// <summary>The settings.</summary>
    public SqsEventSourceEmulatorOptions Options => _options;

    /// <summary>Starts the SQS endpoint and returns the emulator; polling happens only when asked (<see cref="PollOnceAsync"/>).</summary>
    public static async Task<SqsEventSourceEmulator> StartAsync(LambdaRuntimeApiEmulator lambda, SqsEventSourceEmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lambda);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxReceiveCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrentPolls, 1);
        if (options.DuplicateDeliveryRate is not (>= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.DuplicateDeliveryRate, "DuplicateDeliveryRate must be from 0 to 1.");
        }

        var app = LoopbackServer.Create("Portable.Emulators.SqsEventSourceEmulator", options.Port);
        var emulator = new SqsEventSourceEmulator(app, lambda, options);
        app.MapPost("/", emulator.HandleApiAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        emulator.ServiceUrl = LoopbackServer.BaseAddress(app);
        return emulator;
    }

    /// <summary>
    /// Sends a message to the mapped queue (or <paramref name="queue"/>); returns its message id. A FIFO queue needs
    /// <paramref name="groupId"/>, and <paramref name="deduplicationId"/> unless the queue deduplicates by content; a
    /// deduplication id already sent in the last 5 minutes is accepted without enqueueing again, and the first message's
    /// id is returned.
    /// </summary>
    /// <exception cref="ArgumentException">A FIFO send without a group, or without a deduplication id the queue needs.</exception>
    public string Send(string body, IReadOnlyDictionary<string, string>? attributes = null, string? queue = null, string? groupId = null, string? deduplicationId = null) =>
        SendCore(body, attributes, queue ?? QueueName, groupId, deduplicationId).MessageId;

    private EmulatedSqsMessage SendCore(string body, IReadOnlyDictionary<string, string>? attributes, string queue, string? groupId, string? deduplicationId)
    {
        ArgumentNullException.ThrowIfNull(body);
        var now = _time.GetUtcNow();
        var message = new EmulatedSqsMessage(Guid.NewGuid().ToString(), body, attributes ?? new Dictionary<string, string>(), now);
        lock (_gate)
        {
            var target = Queue(queue);
            if (!IsFifo(queue))
            {
                target.Add(message);
                return message;
            }

            if (string.IsNullOrEmpty(groupId))
            {
                throw new ArgumentException($"The request must contain the parameter MessageGroupId: {queue} is a FIFO queue.", nameof(groupId));
            }

            var deduplication = deduplicationId is { Length: > 0 } given ? given
                : _options.ContentBasedDeduplication ? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)))
                : throw new ArgumentException($"The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly: {queue} is a FIFO queue.", nameof(deduplicationId));
            var key = queue + "\n" + deduplication;
            if (_deduplication.TryGetValue(key, out var seen) && now - seen.SentAt < DeduplicationInterval)
            {
                return message with { MessageId = seen.MessageId };
            }

            _deduplication[key] = (message.MessageId, now);
            // SQS FIFO sequence numbers are 20-digit decimals that grow within the queue.
            message = message with { GroupId = groupId, DeduplicationId = deduplication, SequenceNumber = "1" + (++_sequence).ToString("D19", CultureInfo.InvariantCulture) };
            target.Add(message);
            return message;
        }
    }

    /// <summary>The messages still in <paramref name="queue"/> (the mapped queue when null), visible or not, oldest first.</summary>
    public IReadOnlyList<EmulatedSqsMessage> Messages(string? queue = null)
    {
        lock (_gate)
        {
            return [.. Queue(queue ?? QueueName)];
        }
    }

    /// <summary>What is in the dead-letter queue: redriven messages and whatever the function sent there itself.</summary>
    public IReadOnlyList<EmulatedSqsMessage> DeadLetters => Messages(DeadLetterQueueName);

    /// <summary>
    /// The ids of the messages the emulator put back after their deletion (see
    /// <see cref="SqsEventSourceEmulatorOptions.DuplicateDeliveryRate"/>), in order; each is delivered once more with the same id.
    /// </summary>
    public IReadOnlyList<string> DuplicatedMessageIds
    {
        get
        {
            lock (_gate)
            {
                return [.. _duplicates];
            }
        }
    }

    /// <summary>
    /// One poll of the event source mapping: receives a batch of visible messages (redriving any received
    /// <c>maxReceiveCount</c> times already), invokes the function once with them, and settles the answer.
    /// Returns an empty result without invoking when nothing is visible.
    /// </summary>
    public async Task<SqsPollResult> PollOnceAsync(CancellationToken cancellationToken = default)
    {
        await _poll.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (batch, redriven) = Receive();
            if (batch.Count == 0)
            {
                return new SqsPollResult([], [], [], redriven, null);
            }

            var result = await _lambda.InvokeAsync(
                new LambdaInvocationRequest { Payload = BuildEvent(batch), Timeout = _options.FunctionTimeout },
                cancellationToken).ConfigureAwait(false);
            return Settle(batch, redriven, result);
        }
        finally
        {
            _poll.Release();
        }
    }

    /// <summary>Builds the SQS event Lambda would send for <paramref name="batch"/> (exposed for tests).</summary>
    public byte[] BuildEvent(IReadOnlyList<EmulatedSqsMessage> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("Records");
            foreach (var message in batch)
            {
                w.WriteStartObject();
                w.WriteString("messageId", message.MessageId);
                w.WriteString("receiptHandle", message.ReceiptHandle);
                w.WriteString("body", message.Body);
                w.WriteStartObject("attributes");
                w.WriteString("ApproximateReceiveCount", message.ReceiveCount.ToString(CultureInfo.InvariantCulture));
                w.WriteString("SentTimestamp", message.SentAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
                w.WriteString("SenderId", "AROAPORTABLELOCAL:sender");
                w.WriteString("ApproximateFirstReceiveTimestamp", (message.FirstReceivedAt ?? message.SentAt).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
                if (message.GroupId is { } group)
                {
                    w.WriteString("SequenceNumber", message.SequenceNumber);
                    w.WriteString("MessageGroupId", group);
                    w.WriteString("MessageDeduplicationId", message.DeduplicationId);
                }

                w.WriteEndObject();
                w.WriteStartObject("messageAttributes");
                foreach (var (name, value) in message.Attributes)
                {
                    w.WriteStartObject(name);
                    w.WriteString("stringValue", value);
                    w.WriteStartArray("stringListValues");
                    w.WriteEndArray();
                    w.WriteStartArray("binaryListValues");
                    w.WriteEndArray();
                    w.WriteString("dataType", "String");
                    w.WriteEndObject();
                }

                w.WriteEndObject();
                w.WriteString("md5OfBody", Md5Hex(message.Body));
                w.WriteString("eventSource", "aws:sqs");
                w.WriteString("eventSourceARN", QueueArn);
                w.WriteString("awsRegion", _options.Region);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _poll.Dispose();
    }

    private (List<EmulatedSqsMessage> Batch, List<string> Redriven) Receive()
    {
        var now = _time.GetUtcNow();
        var batch = new List<EmulatedSqsMessage>();
        var redriven = new List<string>();
        var fifo = IsFifoQueue;
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        lock (_gate)
        {
            var queue = Queue(QueueName);
            foreach (var message in queue.ToArray())
            {
                if (batch.Count == _options.BatchSize)
                {
                    break;
                }

                // FIFO: a group with a message in flight gives nothing more until it is deleted or visible again, and
                // a group's messages are taken in order, so a group never has two batches in flight.
                if (fifo && blocked.Contains(message.GroupId!))
                {
                    continue;
                }

                if (message.VisibleAt > now)
                {
                    if (fifo)
                    {
                        blocked.Add(message.GroupId!);
                    }

                    continue;
                }

                // Redrive policy: a message already received maxReceiveCount times moves to the DLQ instead of a new receive.
                if (message.ReceiveCount >= _options.MaxReceiveCount)
                {
                    queue.Remove(message);
                    Queue(DeadLetterQueueName).Add(message with { VisibleAt = now, ReceiptHandle = null });
                    redriven.Add(message.MessageId);
                    continue;
                }

                message.ReceiveCount++;
                message.FirstReceivedAt ??= now;
                message.VisibleAt = now + _options.VisibilityTimeout;
                message.ReceiptHandle = Guid.NewGuid().ToString("N");
                batch.Add(message);
            }
        }

        return (batch, redriven);
    }

    private SqsPollResult Settle(List<EmulatedSqsMessage> batch, List<string> redriven, LambdaInvocationResult result)
    {
        var received = batch.Select(m => m.MessageId).ToArray();
        if (!result.IsSuccess)
        {
            // Function error or timeout: the whole batch comes back after the visibility timeout.
            return new SqsPollResult(received, [], received, redriven, result);
        }

        if (!TryReadFailures(result.Payload, received, out var failed))
        {
            // An unreadable response or an unknown itemIdentifier fails the whole batch.
            return new SqsPollResult(received, [], received, redriven, result);
        }

        var duplicated = new List<string>();
        lock (_gate)
        {
            var queue = Queue(QueueName);
            queue.RemoveAll(m => batch.Contains(m) && !failed.Contains(m.MessageId));
            if (_options.DuplicateDeliveryRate > 0 && !IsFifoQueue)
            {
                // At-least-once: a deleted message comes back once more with the same id, as when a standard queue's
                // delete misses a stored copy; it is visible again after the visibility timeout, with its receive count.
                var now = _time.GetUtcNow();
                foreach (var message in batch.Where(m => !failed.Contains(m.MessageId)))
                {
                    if (!_duplicated.Contains(message.MessageId) && _random.NextDouble() < _options.DuplicateDeliveryRate)
                    {
                        _duplicated.Add(message.MessageId);
                        _duplicates.Add(message.MessageId);
                        duplicated.Add(message.MessageId);
                        queue.Add(message with { VisibleAt = now + _options.VisibilityTimeout, ReceiptHandle = null });
                    }
                }
            }
        }

        return new SqsPollResult(received, [.. received.Where(id => !failed.Contains(id))], [.. received.Where(failed.Contains)], redriven, result) { Duplicated = duplicated };
    }

    private static bool TryReadFailures(ReadOnlyMemory<byte> payload, string[] received, out HashSet<string> failed)
    {
        failed = new HashSet<string>(StringComparer.Ordinal);
        if (payload.IsEmpty)
        {
            return true; // no response: all succeeded
        }

        try
        {
            using var json = JsonDocument.Parse(payload);
            if (json.RootElement.ValueKind == JsonValueKind.Null
                || json.RootElement.ValueKind != JsonValueKind.Object
                || !json.RootElement.TryGetProperty("batchItemFailures", out var failures)
                || failures.ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            foreach (var failure in failures.EnumerateArray())
            {
                var id = failure.TryGetProperty("itemIdentifier", out var item) && item.ValueKind == JsonValueKind.String ? item.GetString() : null;
                if (string.IsNullOrEmpty(id) || !received.Contains(id))
                {
                    return false;
                }

                failed.Add(id);
            }

            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private List<EmulatedSqsMessage> Queue(string name) =>
        _queues.TryGetValue(name, out var queue) ? queue : throw new ArgumentException($"The emulator has no queue named '{name}'.", nameof(name));

    // The SQS AWS JSON protocol, as much as a publisher needs. Signatures are not checked.
    private async Task HandleApiAsync(HttpContext context)
    {
        var action = context.Request.Headers["X-Amz-Target"].ToString();
        using var request = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        var root = request.RootElement;
        switch (action)
        {
            case "AmazonSQS.GetQueueUrl":
                var name = root.GetProperty(nameof(QueueName)) /* the JSON member has the same name */.GetString() ?? string.Empty;
                bool known;
                lock (_gate)
                {
                    known = _queues.ContainsKey(name);
                }

                await (known
                    ? WriteAsync(context, 200, w => w.WriteString("QueueUrl", $"{ServiceUrl}{_options.AccountId}/{name}"))
                    : WriteErrorAsync(context, "QueueDoesNotExist", "The specified queue does not exist.")).ConfigureAwait(false);
                return;
            case "AmazonSQS.SendMessage":
                if (!TryQueueFromUrl(root, out var queue))
                {
                    await WriteErrorAsync(context, "QueueDoesNotExist", "The specified queue does not exist.").ConfigureAwait(false);
                    return;
                }

                var body = root.GetProperty("MessageBody").GetString() ?? string.Empty;
                EmulatedSqsMessage sent1;
                try
                {
                    sent1 = SendCore(body, ReadAttributes(root), queue, OptionalString(root, "MessageGroupId"), OptionalString(root, "MessageDeduplicationId"));
                }
                catch (ArgumentException ex)
                {
                    await WriteErrorAsync(context, "MissingParameter", ex.Message).ConfigureAwait(false);
                    return;
                }

                await WriteAsync(context, 200, w =>
                {
                    w.WriteString("MessageId", sent1.MessageId);
                    w.WriteString("MD5OfMessageBody", Md5Hex(body));
                    if (sent1.SequenceNumber is { } sequence)
                    {
                        w.WriteString("SequenceNumber", sequence);
                    }
                }).ConfigureAwait(false);
                return;
            case "AmazonSQS.SendMessageBatch":
                if (!TryQueueFromUrl(root, out var batchQueue))
                {
                    await WriteErrorAsync(context, "QueueDoesNotExist", "The specified queue does not exist.").ConfigureAwait(false);
                    return;
                }

                var sent = new List<(string EntryId, EmulatedSqsMessage Message)>();
                var refused = new List<(string EntryId, string Message)>();
                foreach (var entry in root.GetProperty("Entries").EnumerateArray())
                {
                    var entryId = entry.GetProperty("Id").GetString() ?? string.Empty;
                    try
                    {
                        sent.Add((entryId, SendCore(entry.GetProperty("MessageBody").GetString() ?? string.Empty, ReadAttributes(entry), batchQueue, OptionalString(entry, "MessageGroupId"), OptionalString(entry, "MessageDeduplicationId"))));
                    }
                    catch (ArgumentException ex)
                    {
                        refused.Add((entryId, ex.Message));
                    }
                }

                await WriteAsync(context, 200, w =>
                {
                    w.WriteStartArray("Successful");
                    foreach (var (entryId, message) in sent)
                    {
                        w.WriteStartObject();
                        w.WriteString("Id", entryId);
                        w.WriteString("MessageId", message.MessageId);
                        w.WriteString("MD5OfMessageBody", Md5Hex(message.Body));
                        if (message.SequenceNumber is { } sequence)
                        {
                            w.WriteString("SequenceNumber", sequence);
                        }

                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteStartArray("Failed");
                    foreach (var (entryId, reason) in refused)
                    {
                        w.WriteStartObject();
                        w.WriteString("Id", entryId);
                        w.WriteString("Code", "MissingParameter");
                        w.WriteString("Message", reason);
                        w.WriteBoolean("SenderFault", true);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }).ConfigureAwait(false);
                return;
            default:
                await WriteErrorAsync(context, "InvalidAction", $"The emulator does not implement {action}.").ConfigureAwait(false);
                return;
        }
    }

    private bool TryQueueFromUrl(JsonElement root, out string queue)
    {
        var url = root.TryGetProperty("QueueUrl", out var value) ? value.GetString() ?? string.Empty : string.Empty;
        queue = url.TrimEnd('/')[(url.TrimEnd('/').LastIndexOf('/') + 1)..];
        lock (_gate)
        {
            return _queues.ContainsKey(queue);
        }
    }

    private const string FifoSuffix = ".fifo";

    private static bool IsFifo(string queue) => queue.EndsWith(FifoSuffix, StringComparison.Ordinal);

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Dictionary<string, string> ReadAttributes(JsonElement message)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (message.TryGetProperty("MessageAttributes", out var all) && all.ValueKind == JsonValueKind.Object)
        {
            foreach (var attribute in all.EnumerateObject())
            {
                if (attribute.Value.TryGetProperty("StringValue", out var text) && text.GetString() is { } value)
                {
                    attributes[attribute.Name] = value;
                }
            }
        }

        return attributes;
    }

    private static Task WriteErrorAsync(HttpContext context, string code, string message) =>
        WriteAsync(context, 400, w =>
        {
            w.WriteString("__type", "com.amazonaws.sqs#" + code);
            w.WriteString("message", message);
        });

    private static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.0";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

#pragma warning disable CA5351 // SQS's own body digest is MD5; it is a checksum here, not security.
    private static string Md5Hex(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5351
}
