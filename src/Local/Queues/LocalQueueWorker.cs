using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Messaging;

namespace Portable.Local.Queues;

/// <summary>
/// Runs every queue function of the manifest against the local durable queue: leases a batch, hands it to
/// Core's <see cref="MessageInvoker"/>, and settles each message by the local delivery profile (ack, retry with
/// backoff, dead-letter after the maximum deliveries). A killed process loses nothing: unacked leases expire
/// and the messages are delivered again.
/// </summary>
public sealed partial class LocalQueueWorker(
    DeliveryProfile profile,
    SqliteMessageQueue queue,
    MessageInvoker invoker,
    QueueSignal signal,
    TimeProvider timeProvider,
    ILogger<LocalQueueWorker> logger) : BackgroundService
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(200);

    /// <summary>The numbers the worker applies: <see cref="DeliveryProfile.Local"/> unless the host changed them.</summary>
    public DeliveryProfile Profile { get; } = profile;

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(invoker.Manifest.FunctionsOf<QueueTrigger>()
            .Select(f => Task.Run(() => ConsumeAsync(f.Function, f.Trigger, stoppingToken), CancellationToken.None)));

    private async Task ConsumeAsync(FunctionDefinition function, QueueTrigger trigger, CancellationToken stoppingToken)
    {
        var batchSize = Math.Min(trigger.Options.BatchSize, Profile.MaxBatchSize);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var leased = await queue.LeaseAsync(trigger.Queue, batchSize, Profile.VisibilityTimeout, stoppingToken).ConfigureAwait(false);
                if (leased.Count == 0)
                {
                    await signal.WaitAsync(trigger.Queue, IdlePoll, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                var deadline = timeProvider.GetUtcNow() + Profile.VisibilityTimeout;
                var settlements = await invoker.InvokeAsync(function, [.. leased.Select(l => l.Message)], new InvocationInfo(Deadline: deadline), stoppingToken).ConfigureAwait(false);
                for (var i = 0; i < leased.Count; i++)
                {
                    await SettleAsync(leased[i], settlements[i]).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                // The leases expire and the messages come back; wait a moment rather than spin.
                LogQueueFault(logger, ex, trigger.Queue);
                await Task.Delay(IdlePoll, timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async ValueTask SettleAsync(LeasedMessage leased, MessageSettlement settlement)
    {
        // Settle even while stopping: the work is done, and an unsettled lease would only cause a redelivery.
        switch (settlement.Outcome)
        {
            case MessageOutcome.Success or MessageOutcome.DeadLetter:
                await queue.AckAsync(leased, CancellationToken.None).ConfigureAwait(false);
                break;
            default:
                var delay = Profile.BackoffAfter(leased.Message.DeliveryCount);
                var dead = await queue.RetryAsync(leased, settlement.Reason ?? "retry", delay, Profile.MaxDeliveries ?? int.MaxValue, CancellationToken.None).ConfigureAwait(false);
                if (dead)
                {
                    LogExhausted(logger, leased.Message.Id, leased.Message.Source, leased.Message.DeliveryCount);
                }

                break;
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "The local queue {Queue} could not be read; retrying")]
    private static partial void LogQueueFault(ILogger logger, Exception exception, string queue);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Message {MessageId} on {Queue} dead-lettered after {Deliveries} deliveries")]
    private static partial void LogExhausted(ILogger logger, string messageId, string queue, int deliveries);
}
