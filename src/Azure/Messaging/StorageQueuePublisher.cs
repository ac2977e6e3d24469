using System.Collections.Concurrent;
using Azure.Storage.Queues;
using Portable.Core.Messaging;

namespace Portable.Azure.Messaging;

/// <summary>
/// Core's publishing port on Azure Storage Queues. Messages are base64-encoded, the Functions host's default
/// <c>messageEncoding</c> (and what the generated host.json sets), so a <c>queueTrigger</c> hands the handler the
/// original text. A queue is created the first time this process publishes to it. Storage queue messages carry
/// no properties: <see cref="OutgoingMessage.Attributes"/> and the sender's id are not sent (the service assigns
/// the id; consumers deduplicate on content, as the ledger does on <c>paymentId</c>).
/// </summary>
public sealed class StorageQueuePublisher : IMessagePublisher
{
    /// <summary>The largest message the service takes, after base64 (64 KiB; storage-queues-introduction).</summary>
    public const int MaxEncodedMessageBytes = 64 * 1024;

    private readonly QueueServiceClient _service;
    private readonly ConcurrentDictionary<string, Lazy<Task<QueueClient>>> _queues = new(StringComparer.Ordinal);

    /// <summary>Publishes through <paramref name="service"/>, whose options must use base64 encoding (see <see cref="CreateService"/>).</summary>
    public StorageQueuePublisher(QueueServiceClient service)
    {
        ArgumentNullException.ThrowIfNull(service);
        _service = service;
    }

    /// <summary>A service client for <paramref name="connectionString"/> with base64 message encoding, as the host expects.</summary>
    public static QueueServiceClient CreateService(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new QueueServiceClient(connectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
    }

    /// <inheritdoc />
    public async ValueTask<string> PublishAsync(string destination, OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(destination);
        ArgumentNullException.ThrowIfNull(message);
        var encoded = (message.Body.Length + 2) / 3 * 4;
        if (encoded > MaxEncodedMessageBytes)
        {
            throw new ArgumentException(
                $"A {message.Body.Length}-byte message is {encoded} bytes in base64, over the Storage queue limit of {MaxEncodedMessageBytes} (64 KiB). Store the payload in a blob and send its name.",
                nameof(message));
        }

        var queue = await QueueAsync(destination, cancellationToken).ConfigureAwait(false);
        var receipt = await queue.SendMessageAsync(BinaryData.FromBytes(message.Body), cancellationToken: cancellationToken).ConfigureAwait(false);
        return receipt.Value.MessageId;
    }

    private Task<QueueClient> QueueAsync(string name, CancellationToken cancellationToken)
    {
        var lazy = _queues.GetOrAdd(name, n => new Lazy<Task<QueueClient>>(async () =>
        {
            var client = _service.GetQueueClient(n);
            await client.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            return client;
        }));
        var task = lazy.Value;
        if (task.IsFaulted || task.IsCanceled)
        {
            // A failed creation is not remembered: the next publish tries again.
            _queues.TryRemove(new KeyValuePair<string, Lazy<Task<QueueClient>>>(name, lazy));
        }

        return task.WaitAsync(cancellationToken);
    }
}
