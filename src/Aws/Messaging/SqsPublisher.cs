using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Portable.Core.Messaging;
using Portable.Core.Settings;

namespace Portable.Aws.Messaging;

/// <summary>
/// Core's publishing port on SQS (AWSSDK.SQS, AWS JSON protocol): <c>SendMessage</c> for one message,
/// <c>SendMessageBatch</c> (10 entries per call, the SQS limit) for many. Destinations are queue names from the
/// manifest; each name is resolved to its URL with <c>GetQueueUrl</c> once and cached for the life of the process.
/// Attributes travel as <c>String</c> message attributes, and the current W3C <c>traceparent</c> is added when the
/// caller did not set one. The SQS client is built on first use, so a function that never publishes pays nothing at
/// cold start.
/// </summary>
public sealed class SqsPublisher : IMessagePublisher, IDisposable
{
    /// <summary>SQS accepts at most 10 message attributes per message (SQS message-attributes documentation).</summary>
    public const int MaxAttributes = 10;

    /// <summary>SQS accepts at most 10 entries per <c>SendMessageBatch</c> (SQS quotas).</summary>
    public const int MaxBatchEntries = 10;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Lazy<IAmazonSQS> _sqs;
    private readonly bool _ownsClient;
    private readonly ConcurrentDictionary<string, string> _queueUrls = new(StringComparer.Ordinal);

    /// <summary>Publishes through a client built (on first use) from <paramref name="options"/>.</summary>
    public SqsPublisher(SqsPublisherOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _sqs = new Lazy<IAmazonSQS>(() => CreateClient(options), LazyThreadSafetyMode.ExecutionAndPublication);
        _ownsClient = true;
    }

    /// <summary>Publishes through <paramref name="sqs"/>, which the caller owns.</summary>
    public SqsPublisher(IAmazonSQS sqs)
    {
        ArgumentNullException.ThrowIfNull(sqs);
        _sqs = new Lazy<IAmazonSQS>(sqs);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The body is empty or not UTF-8, or there are more than 10 attributes: SQS would refuse it.</exception>
    /// <exception cref="QueueDoesNotExistException">No queue has that name.</exception>
    public async ValueTask<string> PublishAsync(string destination, OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(destination);
        ArgumentNullException.ThrowIfNull(message);
        var request = new SendMessageRequest
        {
            QueueUrl = await GetQueueUrlAsync(destination, cancellationToken).ConfigureAwait(false),
            MessageBody = BodyText(message),
            MessageAttributes = Attributes(message),
        };
        if (IsFifo(destination))
        {
            request.MessageGroupId = destination;
            request.MessageDeduplicationId = message.MessageId;
        }

        var response = await _sqs.Value.SendMessageAsync(request, cancellationToken).ConfigureAwait(false);
        return response.MessageId;
    }

    /// <summary>
    /// Sends <paramref name="messages"/> with <c>SendMessageBatch</c>, 10 per call. SQS accepts or refuses each entry on
    /// its own, so the answer is one result per message, in order; nothing is retried here.
    /// </summary>
    public async ValueTask<IReadOnlyList<SqsPublishResult>> PublishBatchAsync(string destination, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(destination);
        ArgumentNullException.ThrowIfNull(messages);
        var results = new SqsPublishResult[messages.Count];
        if (messages.Count == 0)
        {
            return results;
        }

        var queueUrl = await GetQueueUrlAsync(destination, cancellationToken).ConfigureAwait(false);
        var fifo = IsFifo(destination);
        for (var start = 0; start < messages.Count; start += MaxBatchEntries)
        {
            var entries = new List<SendMessageBatchRequestEntry>();
            for (var i = start; i < Math.Min(start + MaxBatchEntries, messages.Count); i++)
            {
                var entry = new SendMessageBatchRequestEntry
                {
                    Id = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    MessageBody = BodyText(messages[i]),
                    MessageAttributes = Attributes(messages[i]),
                };
                if (fifo)
                {
                    entry.MessageGroupId = destination;
                    entry.MessageDeduplicationId = messages[i].MessageId;
                }

                entries.Add(entry);
            }

            var response = await _sqs.Value.SendMessageBatchAsync(new SendMessageBatchRequest { QueueUrl = queueUrl, Entries = entries }, cancellationToken).ConfigureAwait(false);
            foreach (var ok in response.Successful ?? [])
            {
                var index = int.Parse(ok.Id, System.Globalization.CultureInfo.InvariantCulture);
                results[index] = new SqsPublishResult(index, ok.MessageId, null, null);
            }

            foreach (var failed in response.Failed ?? [])
            {
                var index = int.Parse(failed.Id, System.Globalization.CultureInfo.InvariantCulture);
                results[index] = new SqsPublishResult(index, null, failed.Code, failed.Message);
            }

            for (var i = start; i < Math.Min(start + MaxBatchEntries, messages.Count); i++)
            {
                results[i] ??= new SqsPublishResult(i, null, "Missing", "SQS reported neither success nor failure for this entry.");
            }
        }

        return results;
    }

    /// <summary>The URL of queue <paramref name="queueName"/>, from the cache or from <c>GetQueueUrl</c> (cached once it succeeds).</summary>
    public async ValueTask<string> GetQueueUrlAsync(string queueName, CancellationToken cancellationToken = default)
    {
        if (_queueUrls.TryGetValue(queueName, out var cached))
        {
            return cached;
        }

        var response = await _sqs.Value.GetQueueUrlAsync(new GetQueueUrlRequest { QueueName = queueName }, cancellationToken).ConfigureAwait(false);
        return _queueUrls.GetOrAdd(queueName, response.QueueUrl);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsClient && _sqs.IsValueCreated)
        {
            _sqs.Value.Dispose();
        }
    }

    private static AmazonSQSClient CreateClient(SqsPublisherOptions options)
    {
        var config = new AmazonSQSConfig();
        if (options.ServiceUrl is { } serviceUrl)
        {
            config.ServiceURL = serviceUrl.ToString();
            config.AuthenticationRegion = options.Region ?? "us-east-1";
        }
        else if (options.Region is { Length: > 0 } region)
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        }

        return options.Credentials is { } credentials ? new AmazonSQSClient(credentials, config) : new AmazonSQSClient(config);
    }

    private static bool IsFifo(string queueName) => queueName.EndsWith(".fifo", StringComparison.Ordinal);

    private static string BodyText(OutgoingMessage message)
    {
        if (message.Body.IsEmpty)
        {
            throw new ArgumentException("SQS refuses an empty message body.", nameof(message));
        }

        try
        {
            return StrictUtf8.GetString(message.Body.Span);
        }
        catch (DecoderFallbackException ex)
        {
            throw new ArgumentException("SQS message bodies are text: this body is not valid UTF-8 (encode binary payloads as base64 first).", nameof(message), ex);
        }
    }

    private static Dictionary<string, MessageAttributeValue> Attributes(OutgoingMessage message)
    {
        var attributes = new Dictionary<string, MessageAttributeValue>(StringComparer.Ordinal);
        foreach (var (name, value) in message.Attributes ?? new Dictionary<string, string>())
        {
            // SQS refuses empty attribute values; an empty value carries nothing but its presence.
            if (value.Length > 0)
            {
                attributes[name] = new MessageAttributeValue { DataType = "String", StringValue = value };
            }
        }

        if (!attributes.ContainsKey("traceparent") && Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } traceParent })
        {
            attributes["traceparent"] = new MessageAttributeValue { DataType = "String", StringValue = traceParent };
        }

        return attributes.Count <= MaxAttributes
            ? attributes
            : throw new ArgumentException($"SQS allows at most {MaxAttributes} message attributes; this message has {attributes.Count}.", nameof(message));
    }
}
