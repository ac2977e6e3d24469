using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Portable.Emulators.Azure.Isolated;

namespace Portable.Compare.Hosts;

/// <summary>
/// The Functions host's queue listener over the app's storage account (<c>AzureWebJobsStorage</c>, Azurite here), for
/// an app whose functions publish to the queues its own <c>queueTrigger</c>s listen on (a saga's coordinator): the
/// worker's Storage queue publisher writes to the account, as in Azure, and this takes each message from there into
/// the host emulator's queue of the same name, where the emulator delivers it with the host's rules (one message per
/// invocation, dequeue counts, <c>-poison</c> after five failed dequeues). A message is received (hidden), added to the
/// emulator's queue, then deleted from the account: it is always in one of the two, for a moment in both, never in
/// neither (a delete that fails leaves a copy to come back, as at-least-once delivery allows). Like the host's listener
/// it creates each triggered queue on start, and a busy account is polled again later rather than stopping it. Both
/// loops stop on dispose.
/// </summary>
public sealed class StorageQueueListener : IAsyncDisposable
{
    /// <summary>How long a received message stays hidden in the account while it is moved (the host's own lease is longer).</summary>
    private static readonly TimeSpan MoveVisibility = TimeSpan.FromSeconds(30);

    private readonly IsolatedFunctionsHost _host;
    private readonly IReadOnlyDictionary<string, QueueClient> _queues;
    private int _moving; // fetches between their receive and their last enqueue
    private int _transientFaults;

    private StorageQueueListener(IsolatedFunctionsHost host, IReadOnlyDictionary<string, QueueClient> queues)
    {
        _host = host;
        _queues = queues;
        Fetcher = DeliveryLoop.Start("the Functions host's Storage queue listener", 1, FetchAsync);
        Deliverer = DeliveryLoop.Start("the Functions host's queue trigger dispatch", 1, async cancellationToken => (await host.Queues.DeliverVisibleAsync(cancellationToken)).Count > 0);
    }

    /// <summary>Moves messages from the account into the emulator's queues.</summary>
    public DeliveryLoop Fetcher { get; }

    /// <summary>Delivers the emulator's visible messages (as many at once as its <c>QueueBatchSize</c>).</summary>
    public DeliveryLoop Deliverer { get; }

    /// <summary>
    /// Creates every queue some <c>queueTrigger</c> of <paramref name="host"/> listens on in the account of
    /// <paramref name="connectionString"/> (base64 messages, as host.json's <c>messageEncoding</c> says), then listens.
    /// </summary>
    public static async Task<StorageQueueListener> StartAsync(IsolatedFunctionsHost host, string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var queues = new Dictionary<string, QueueClient>(StringComparer.Ordinal);
        foreach (var name in host.Queues.TriggeredQueues)
        {
            var queue = new QueueClient(connectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            queues[name] = queue;
        }

        return new StorageQueueListener(host, queues);
    }

    /// <summary>Throws the first fault of either loop.</summary>
    /// <exception cref="InvalidOperationException">A loop stopped on a fault.</exception>
    public void ThrowIfFaulted()
    {
        Fetcher.ThrowIfFaulted();
        Deliverer.ThrowIfFaulted();
    }

    /// <summary>
    /// True when <paramref name="queue"/> holds nothing: not in the account, not being moved, not in the emulator
    /// (where a message being delivered stays until it is settled), and no delivery settled while it looked (a
    /// settling handler may have published the next message into the account after the account was read).
    /// </summary>
    public async Task<bool> IsIdleAsync(string queue, CancellationToken cancellationToken = default)
    {
        var settled = _host.Queues.Deliveries.Count;
        if (_host.Queues.Messages(queue).Count > 0)
        {
            return false;
        }

        QueueProperties properties = await _queues[queue].GetPropertiesAsync(cancellationToken);
        return properties.ApproximateMessagesCount == 0
            && Volatile.Read(ref _moving) == 0
            && _host.Queues.Messages(queue).Count == 0
            && _host.Queues.Deliveries.Count == settled;
    }

    /// <summary>Calls to the account that failed for a reason that passes (busy, timed out) and were simply tried again later.</summary>
    public int TransientFaults => Volatile.Read(ref _transientFaults);

    /// <summary>Stops both loops.</summary>
    public async ValueTask DisposeAsync()
    {
        await Fetcher.DisposeAsync();
        await Deliverer.DisposeAsync();
    }

    private static bool IsTransient(RequestFailedException ex) => ex.Status is 408 or 429 or >= 500;

    private async Task<bool> FetchAsync(CancellationToken cancellationToken)
    {
        var moved = false;
        foreach (var (name, queue) in _queues)
        {
            QueueMessage[] received;
            Interlocked.Increment(ref _moving);
            try
            {
                try
                {
                    received = (await queue.ReceiveMessagesAsync(maxMessages: 32, MoveVisibility, cancellationToken)).Value;
                }
                catch (RequestFailedException ex) when (ex.Status == 404)
                {
                    continue; // deleted under the listener; the host would log and go on
                }
                catch (RequestFailedException ex) when (IsTransient(ex))
                {
                    Interlocked.Increment(ref _transientFaults); // the account is busy (after the SDK's own retries): the host backs off and polls again
                    continue;
                }

                foreach (var message in received)
                {
                    _host.Queues.Enqueue(name, message.Body.ToString());
                }
            }
            finally
            {
                Interlocked.Decrement(ref _moving);
            }

            foreach (var message in received)
            {
                moved = true;
                try
                {
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                }
                catch (RequestFailedException ex) when (ex.Status == 404 || IsTransient(ex))
                {
                    // Not deleted: it comes back once hidden no more and is delivered again, as at-least-once allows.
                    Interlocked.Increment(ref _transientFaults);
                }
            }
        }

        return moved;
    }
}
