using System.Text.Json;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Json;
using Portable.Core.Messaging;
using Portable.Core.Storage;
using Portable.Local.Queues;

namespace Portable.Local.Storage;

/// <summary>
/// How the local host delivers object-created events, as S3 notifications, Eventarc or a blob trigger do in a cloud:
/// an event goes to every storage function whose trigger names its bucket and whose prefix and suffix match its key,
/// as one message per function on the durable SQLite queue named after the function, all of an event's deliveries in
/// one transaction. <see cref="LocalStorageWorker"/> then runs each through Core's
/// <see cref="Core.Invocation.StorageInvoker"/> with the local queue's retries and dead letters, so a killed process
/// loses no event; its deliveries and dead letters are inspected and redriven under <c>/_local/queues/{function}</c>.
/// Local bucket names are the manifest's (there is no deployed name to map).
/// </summary>
public sealed class LocalObjectDelivery
{
    private readonly FunctionManifest _manifest;
    private readonly SqliteMessageQueue _queue;
    private readonly QueueSignal _signal;

    /// <summary>Creates the delivery for the storage functions of <paramref name="manifest"/>.</summary>
    /// <exception cref="ArgumentException">
    /// A storage function has the name of a queue a queue function consumes or of an event rule: both would share one local queue.
    /// </exception>
    public LocalObjectDelivery(FunctionManifest manifest, SqliteMessageQueue queue, QueueSignal signal)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(signal);
        var taken = manifest.FunctionsOf<QueueTrigger>().Select(f => f.Trigger.Queue)
            .Concat(manifest.FunctionsOf<EventTrigger>().Select(f => f.Trigger.Rule))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var (function, _) in manifest.FunctionsOf<StorageTrigger>())
        {
            if (taken.Contains(function.Name))
            {
                throw new ArgumentException(
                    $"Storage function '{function.Name}' has the name of a queue or an event rule of the manifest; the local host keeps a storage function's deliveries on a queue of its name, so rename one of them.",
                    nameof(manifest));
            }
        }

        _manifest = manifest;
        _queue = queue;
        _signal = signal;
    }

    /// <summary>The storage functions of the manifest, each with its trigger.</summary>
    public IReadOnlyList<(FunctionDefinition Function, StorageTrigger Trigger)> Functions => [.. _manifest.FunctionsOf<StorageTrigger>()];

    /// <summary>The local queue holding <paramref name="function"/>'s deliveries: its name (its dead letters are there too, where the storage invoker sends them).</summary>
    public static string QueueOf(FunctionDefinition function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return function.Name;
    }

    /// <summary>The names of the storage functions an object created as <paramref name="bucket"/>/<paramref name="key"/> triggers, in manifest order.</summary>
    public IReadOnlyList<string> Matching(string bucket, string key) =>
        [.. Functions.Where(f => string.Equals(f.Trigger.Bucket, bucket, StringComparison.Ordinal) && f.Trigger.Matches(key)).Select(f => f.Function.Name)];

    /// <summary>
    /// Enqueues <paramref name="created"/> (its neutral JSON) for every storage function it triggers, in one
    /// transaction, and returns their names. The message id is the event's deduplication key (else bucket and key), as
    /// the storage invoker names its dead letters. <paramref name="traceParent"/> travels with the deliveries.
    /// </summary>
    public async ValueTask<IReadOnlyList<string>> DeliverAsync(ObjectCreated created, string? traceParent = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(created);
        var functions = Matching(created.Bucket, created.Key);
        if (functions.Count == 0)
        {
            return functions;
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(created, CoreJsonContext.Default.ObjectCreated);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal) { ["bucket"] = created.Bucket, ["key"] = created.Key };
        if (!string.IsNullOrEmpty(traceParent))
        {
            attributes["traceparent"] = traceParent;
        }

        var id = created.DeduplicationKey ?? $"{created.Bucket}/{created.Key}";
        await _queue.PublishAllAsync([.. functions.Select(f => (f, new OutgoingMessage(body, attributes, id)))], cancellationToken).ConfigureAwait(false);
        foreach (var function in functions)
        {
            _signal.Notify(function);
        }

        return functions;
    }
}
