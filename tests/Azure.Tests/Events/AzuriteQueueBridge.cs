using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Portable.Emulators.Azure.Isolated;

namespace Portable.Azure.Tests.Events;

/// <summary>
/// The Functions host's queue listener over the app's storage account (Azurite), pumped by the test: each message of a
/// queue some <c>queueTrigger</c> listens on is received from the account, added to the host emulator's queue of the
/// same name (where the emulator delivers it with the host's rules: one message per invocation, dequeue counts,
/// <c>-poison</c> after five failed dequeues) and deleted from the account. The worker's own writes — the publisher's
/// events, the router's forwards, Portable's dead letters — go to the account, as in Azure.
/// </summary>
internal sealed class AzuriteQueueBridge
{
    private readonly IsolatedFunctionsHost _host;
    private readonly string _connectionString;
    private readonly Dictionary<string, QueueClient> _queues = new(StringComparer.Ordinal);

    private AzuriteQueueBridge(IsolatedFunctionsHost host, string connectionString)
    {
        _host = host;
        _connectionString = connectionString;
    }

    /// <summary>
    /// Creates (and empties, with their <c>-poison</c> queues) the queues <paramref name="host"/>'s triggers listen on,
    /// so each test starts from empty queues in an account its class shares.
    /// </summary>
    public static async Task<AzuriteQueueBridge> StartAsync(IsolatedFunctionsHost host, string connectionString)
    {
        var bridge = new AzuriteQueueBridge(host, connectionString);
        foreach (var name in host.Queues.TriggeredQueues)
        {
            var queue = bridge.Queue(name);
            await queue.CreateIfNotExistsAsync();
            await queue.ClearMessagesAsync();
            var poison = bridge.Queue(name + "-poison");
            await poison.CreateIfNotExistsAsync();
            await poison.ClearMessagesAsync();
            bridge._queues[name] = queue;
        }

        return bridge;
    }

    /// <summary>A client for <paramref name="name"/> in the account, base64 as host.json's <c>messageEncoding</c> says.</summary>
    public QueueClient Queue(string name) => new(_connectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    /// <summary>Sends <paramref name="text"/> to <paramref name="queue"/> in the account, as a publisher or Event Grid would.</summary>
    public async Task SendAsync(string queue, string text) => await Queue(queue).SendMessageAsync(text);

    /// <summary>The texts in <paramref name="queue"/> of the account (peeked, left there).</summary>
    public async Task<IReadOnlyList<string>> PeekAsync(string queue)
    {
        PeekedMessage[] messages = await Queue(queue).PeekMessagesAsync(maxMessages: 32);
        return [.. messages.Select(m => m.Body.ToString())];
    }

    /// <summary>Moves and delivers until a round moves nothing and delivers nothing, or throws after <paramref name="timeout"/>.</summary>
    public async Task PumpUntilIdleAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var moved = await MoveAsync();
            var delivered = (await _host.Queues.DeliverVisibleAsync()).Count;
            if (moved == 0 && delivered == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The queues were still busy after {timeout.TotalSeconds} s. Worker logs:\n{string.Join('\n', _host.Logs)}");
            }
        }
    }

    private async Task<int> MoveAsync()
    {
        var moved = 0;
        foreach (var (name, queue) in _queues)
        {
            QueueMessage[] received = await queue.ReceiveMessagesAsync(maxMessages: 32, TimeSpan.FromSeconds(30));
            foreach (var message in received)
            {
                _host.Queues.Enqueue(name, message.Body.ToString());
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                moved++;
            }
        }

        return moved;
    }
}
