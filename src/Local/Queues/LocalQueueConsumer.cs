using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Portable.Core.Invocation;
using Portable.Core.Messaging;

namespace Portable.Local.Queues;

/// <summary>
/// The lease loop and the settle step every local worker shares (queue functions, event rules, storage functions):
/// lease a batch from one durable queue, hand it over with the invocation's deadline (the end of the leases'
/// visibility), and settle each delivery by the local delivery profile — handled or dead-lettered: acknowledged; to
/// retry: visible again after the backoff, and dead-lettered once it has had the profile's maximum deliveries. A queue
/// the store cannot read is retried after a pause; its leases expire meanwhile, so nothing is lost.
/// </summary>
public sealed partial class LocalQueueConsumer(DeliveryProfile profile, SqliteMessageQueue queue, QueueSignal signal, TimeProvider timeProvider, ILogger logger)
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(200);

    /// <summary>The numbers applied.</summary>
    public DeliveryProfile Profile { get; } = profile;

    /// <summary>The queue the deliveries come from, for dead letters a handler writes itself.</summary>
    public SqliteMessageQueue Queue { get; } = queue;

    /// <summary>
    /// Leases batches of at most <paramref name="batchSize"/> from <paramref name="queueName"/> and hands each to
    /// <paramref name="handle"/> until <paramref name="stoppingToken"/> is cancelled.
    /// </summary>
    public async Task RunAsync(
        string queueName, int batchSize, Func<IReadOnlyList<LeasedMessage>, InvocationInfo, CancellationToken, ValueTask> handle, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var leased = await Queue.LeaseAsync(queueName, batchSize, Profile.VisibilityTimeout, stoppingToken).ConfigureAwait(false);
                if (leased.Count == 0)
                {
                    await signal.WaitAsync(queueName, IdlePoll, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                await handle(leased, new InvocationInfo(Deadline: timeProvider.GetUtcNow() + Profile.VisibilityTimeout), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is SqliteException or IOException)
            {
                // The leases expire and the deliveries come back; wait a moment rather than spin.
                LogQueueFault(logger, ex, queueName);
                await Task.Delay(IdlePoll, timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Settles <paramref name="leased"/> with <paramref name="outcome"/>, even while the host stops (the work is done, and an
    /// unsettled lease would only cause a redelivery). True when a retry dead-lettered it for having had the maximum deliveries.
    /// </summary>
    public async ValueTask<bool> SettleAsync(LeasedMessage leased, MessageOutcome outcome, string? reason)
    {
        ArgumentNullException.ThrowIfNull(leased);
        if (outcome is MessageOutcome.Success or MessageOutcome.DeadLetter)
        {
            await Queue.AckAsync(leased, CancellationToken.None).ConfigureAwait(false);
            return false;
        }

        var delay = Profile.BackoffAfter(leased.Message.DeliveryCount);
        return await Queue.RetryAsync(leased, reason ?? "retry", delay, Profile.MaxDeliveries ?? int.MaxValue, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Dead-letters <paramref name="leased"/> at once with <paramref name="reason"/> (a delivery no handler can read) and acknowledges it.</summary>
    public async ValueTask RejectAsync(LeasedMessage leased, string reason)
    {
        ArgumentNullException.ThrowIfNull(leased);
        await Queue.DeadLetterAsync(leased.Message, reason, CancellationToken.None).ConfigureAwait(false);
        await Queue.AckAsync(leased, CancellationToken.None).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "The local queue {Queue} could not be read; retrying")]
    private static partial void LogQueueFault(ILogger logger, Exception exception, string queue);
}
