using System.Globalization;
using Portable.Core.Messaging;

namespace Portable.Emulators.Azure;

/// <summary>
/// In-memory Storage queues behind a host emulator's <c>queueTrigger</c> functions, applying a
/// <see cref="DeliveryProfile"/> (<see cref="DeliveryProfile.AzureStorageQueue"/> by default): one message per
/// invocation, as the isolated worker's <c>InvocationRequest</c> of <see cref="Isolated.IsolatedFunctionsHost"/>,
/// carrying the message text and the host's metadata
/// (<c>DequeueCount</c>, <c>ExpirationTime</c>, <c>Id</c>, <c>InsertionTime</c>, <c>NextVisibleTime</c>,
/// <c>PopReceipt</c>); a dequeued message is hidden for the profile's visibility timeout; a failed
/// invocation (a failed worker invocation, or the worker gone) makes it visible again after the profile's backoff
/// (<c>visibilityTimeout</c>, 0 by default) until the dequeue that reaches <c>maxDequeueCount</c> (5) fails, which
/// moves its text to <c>&lt;queue&gt;-poison</c> under a new id, as the host's queue processor does. There is no
/// background poller: <see cref="DeliverVisibleAsync"/> delivers what is visible now, and the clock is the
/// emulator's <see cref="TimeProvider"/>, so a test moves time forward instead of sleeping.
/// </summary>
public sealed class EmulatedStorageQueues
{
    /// <summary>The suffix of poison queues.</summary>
    public const string PoisonSuffix = "-poison";

    private static readonly TimeSpan TimeToLive = TimeSpan.FromDays(7); // the service's default message TTL

    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<EmulatedQueueMessage>> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _droppedAcknowledgements = new(StringComparer.Ordinal);
    private readonly List<QueueDelivery> _deliveries = [];
    private readonly IReadOnlyList<(string Function, string Binding, string Queue)> _triggers;
    private readonly Func<string, string, EmulatedQueueMessage, CancellationToken, Task<QueueInvocationOutcome>> _invoke;
    private readonly TimeProvider _time;
    private readonly int _batchSize;
    private readonly double _duplicateRate;
    private readonly Random _random;
    private readonly HashSet<string> _duplicated = new(StringComparer.Ordinal);

    /// <param name="functions">The app's functions; each <c>queueTrigger</c> binding is a queue delivered to its function.</param>
    /// <param name="profile">The delivery numbers.</param>
    /// <param name="timeProvider">The clock of visibility times.</param>
    /// <param name="invoke">Invokes (function, trigger binding, dequeued message): the emulator's own invocation shape.</param>
    /// <param name="batchSize">How many deliveries run at once.</param>
    /// <param name="duplicateDeliveryRate">The probability that a success's delete is lost.</param>
    /// <param name="randomSeed">The seed of that choice.</param>
    internal EmulatedStorageQueues(
        IEnumerable<ScriptFunction> functions,
        DeliveryProfile profile,
        TimeProvider timeProvider,
        Func<string, string, EmulatedQueueMessage, CancellationToken, Task<QueueInvocationOutcome>> invoke,
        int batchSize = 1,
        double duplicateDeliveryRate = 0,
        int randomSeed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (duplicateDeliveryRate is not (>= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(duplicateDeliveryRate), duplicateDeliveryRate, "The rate must be from 0 to 1.");
        }

        Profile = profile;
        _time = timeProvider;
        _invoke = invoke;
        _batchSize = batchSize;
        _duplicateRate = duplicateDeliveryRate;
        _random = new Random(randomSeed);
        _triggers = [.. functions
            .SelectMany(f => f.Bindings
                .Where(b => b.Type.Equals("queueTrigger", StringComparison.OrdinalIgnoreCase))
                .Select(b => (f.Name, b.Name, FunctionsScriptRoot.Text(b.Properties["queueName"])
                    ?? throw new InvalidDataException($"Function '{f.Name}': its queueTrigger binding has no queueName."))))];
    }

    /// <summary>The delivery numbers applied.</summary>
    public DeliveryProfile Profile { get; }

    /// <summary>The queues some <c>queueTrigger</c> function listens on.</summary>
    public IReadOnlyList<string> TriggeredQueues => [.. _triggers.Select(t => t.Queue).Distinct(StringComparer.Ordinal)];

    /// <summary>Every delivery so far, in order.</summary>
    public IReadOnlyList<QueueDelivery> Deliveries
    {
        get
        {
            lock (_gate)
            {
                return [.. _deliveries];
            }
        }
    }

    /// <summary>Adds a message (its text, as the host will hand it over) to <paramref name="queue"/>; returns its id.</summary>
    public string Enqueue(string queue, string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        ArgumentNullException.ThrowIfNull(text);
        var now = _time.GetUtcNow();
        var message = new EmulatedQueueMessage(Guid.NewGuid().ToString(), text, 0, now, now + TimeToLive, now, string.Empty);
        lock (_gate)
        {
            QueueOf(queue).Add(message);
        }

        return message.Id;
    }

    /// <summary>The messages of <paramref name="queue"/> (visible or not), oldest first.</summary>
    public IReadOnlyList<EmulatedQueueMessage> Messages(string queue)
    {
        lock (_gate)
        {
            return _queues.TryGetValue(queue, out var list) ? [.. list] : [];
        }
    }

    /// <summary>The messages moved to <c>&lt;queue&gt;-poison</c>.</summary>
    public IReadOnlyList<EmulatedQueueMessage> PoisonMessages(string queue) => Messages(queue + PoisonSuffix);

    /// <summary>
    /// The next <paramref name="count"/> 2xx answers for messages of <paramref name="queue"/> are treated as failures,
    /// as when the host times out or its instance is recycled after the handler has done the work: the message is
    /// delivered again, and the handler must not apply it twice.
    /// </summary>
    public void DropNextAcknowledgements(string queue, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            _droppedAcknowledgements[queue] = count;
        }
    }

    /// <summary>
    /// Delivers, one invocation per message, every message that is visible at the emulator's current time on a
    /// triggered queue, until none is left visible (a message retried with no delay is delivered again in the same
    /// call). One at a time by default; with a batch size (<see cref="Isolated.IsolatedFunctionsHostOptions.QueueBatchSize"/>)
    /// up to that many invocations run at once, as the host's queue listener processes a fetched batch in parallel.
    /// Returns the deliveries made.
    /// </summary>
    public async Task<IReadOnlyList<QueueDelivery>> DeliverVisibleAsync(CancellationToken cancellationToken = default)
    {
        var made = new List<QueueDelivery>();
        if (_batchSize == 1)
        {
            await DeliverLoopAsync(made, cancellationToken).ConfigureAwait(false);
            return made;
        }

        // Each worker takes the next visible message as soon as its previous invocation is settled.
        await Task.WhenAll(Enumerable.Range(0, _batchSize).Select(_ => Task.Run(() => DeliverLoopAsync(made, cancellationToken), cancellationToken))).ConfigureAwait(false);
        return made;
    }

    /// <summary>How many messages were delivered once more after a 2xx answer by <see cref="Isolated.IsolatedFunctionsHostOptions.QueueDuplicateDeliveryRate"/>.</summary>
    public int DuplicatedCount
    {
        get
        {
            lock (_gate)
            {
                return _duplicated.Count;
            }
        }
    }

    private async Task DeliverLoopAsync(List<QueueDelivery> made, CancellationToken cancellationToken)
    {
        while (TryDequeue(out var function, out var binding, out var queue, out var message))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var outcome = await _invoke(function, binding, message, cancellationToken).ConfigureAwait(false);
            var delivery = Settle(function, queue, message, outcome);
            lock (made)
            {
                made.Add(delivery);
            }
        }
    }

    private bool TryDequeue(out string function, out string binding, out string queue, out EmulatedQueueMessage message)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            foreach (var trigger in _triggers)
            {
                if (!_queues.TryGetValue(trigger.Queue, out var list))
                {
                    continue;
                }

                var index = list.FindIndex(m => m.NextVisibleTime <= now);
                if (index < 0)
                {
                    continue;
                }

                message = list[index] with
                {
                    DequeueCount = list[index].DequeueCount + 1,
                    NextVisibleTime = now + Profile.VisibilityTimeout,
                    PopReceipt = Convert.ToBase64String(Guid.NewGuid().ToByteArray()),
                };
                list[index] = message;
                (function, binding, queue) = trigger;
                return true;
            }
        }

        (function, binding, queue, message) = (null!, null!, null!, null!);
        return false;
    }

    private QueueDelivery Settle(string function, string queue, EmulatedQueueMessage message, QueueInvocationOutcome invocation)
    {
        var now = _time.GetUtcNow();
        var status = invocation.StatusCode;
        lock (_gate)
        {
            var success = status is >= 200 and < 300;
            var dropped = false;
            if (success && _droppedAcknowledgements.TryGetValue(queue, out var toDrop) && toDrop > 0)
            {
                _droppedAcknowledgements[queue] = toDrop - 1;
                dropped = true;
                success = false;
            }
            else if (success && _duplicateRate > 0 && !_duplicated.Contains(message.Id) && _random.NextDouble() < _duplicateRate)
            {
                // At-least-once: the work is done but the delete is lost, so the same message comes back (at most once here).
                _duplicated.Add(message.Id);
                dropped = true;
                success = false;
            }

            var list = QueueOf(queue);
            list.RemoveAll(m => m.Id == message.Id);
            QueueDeliveryOutcome outcome;
            if (success)
            {
                outcome = QueueDeliveryOutcome.Completed;
            }
            else if (message.DequeueCount >= (Profile.MaxDeliveries ?? int.MaxValue))
            {
                QueueOf(queue + PoisonSuffix).Add(new EmulatedQueueMessage(Guid.NewGuid().ToString(), message.Text, 0, now, now + TimeToLive, now, string.Empty));
                outcome = QueueDeliveryOutcome.Poisoned;
            }
            else
            {
                list.Add(message with { NextVisibleTime = now + Profile.BackoffAfter(message.DequeueCount) });
                outcome = QueueDeliveryOutcome.Retried;
            }

            var delivery = new QueueDelivery(function, queue, message.Id, message.DequeueCount, status, dropped, outcome, invocation.Error);
            _deliveries.Add(delivery);
            return delivery;
        }
    }

    private List<EmulatedQueueMessage> QueueOf(string queue)
    {
        if (!_queues.TryGetValue(queue, out var list))
        {
            list = [];
            _queues[queue] = list;
        }

        return list;
    }

    /// <summary>A time as the host writes it in queue metadata (ISO 8601, UTC, <c>+00:00</c>).</summary>
    internal static string Iso(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);
}
