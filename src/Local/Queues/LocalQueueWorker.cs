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
    private readonly LocalQueueConsumer _consumer = new(profile, queue, signal, timeProvider, logger);

    /// <summary>The numbers the worker applies: <see cref="DeliveryProfile.Local"/> unless the host changed them.</summary>
    public DeliveryProfile Profile => _consumer.Profile;

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(invoker.Manifest.FunctionsOf<QueueTrigger>()
            .Select(f => Task.Run(() => ConsumeAsync(f.Function, f.Trigger, stoppingToken), CancellationToken.None)));

    private Task ConsumeAsync(FunctionDefinition function, QueueTrigger trigger, CancellationToken stoppingToken) =>
        _consumer.RunAsync(trigger.Queue, Math.Min(trigger.Options.BatchSize, Profile.MaxBatchSize), async (leased, info, token) =>
        {
            var settlements = await invoker.InvokeAsync(function, [.. leased.Select(l => l.Message)], info, token).ConfigureAwait(false);
            for (var i = 0; i < leased.Count; i++)
            {
                if (await _consumer.SettleAsync(leased[i], settlements[i].Outcome, settlements[i].Reason).ConfigureAwait(false))
                {
                    LogExhausted(logger, leased[i].Message.Id, leased[i].Message.Source, leased[i].Message.DeliveryCount);
                }
            }
        }, stoppingToken);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Message {MessageId} on {Queue} dead-lettered after {Deliveries} deliveries")]
    private static partial void LogExhausted(ILogger logger, string messageId, string queue, int deliveries);
}
