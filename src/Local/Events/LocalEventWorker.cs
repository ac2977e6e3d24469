using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Local.Queues;

namespace Portable.Local.Events;

/// <summary>
/// Delivers the local event bus's deliveries: for every event function of the manifest it leases from its rule's
/// queue, runs each event through Core's <see cref="EventInvoker"/>, and settles it by the local delivery profile —
/// handled or dead-lettered: acknowledged; to retry: visible again after the backoff, and dead-lettered once it has
/// had the profile's maximum deliveries. A delivery whose body is not an EventBridge event is dead-lettered with the
/// parser's reason.
/// </summary>
public sealed partial class LocalEventWorker(
    DeliveryProfile profile,
    SqliteMessageQueue queue,
    EventInvoker invoker,
    QueueSignal signal,
    TimeProvider timeProvider,
    ILogger<LocalEventWorker> logger) : BackgroundService
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(200);

    /// <summary>The numbers the worker applies: <see cref="DeliveryProfile.Local"/> unless the host changed them.</summary>
    public DeliveryProfile Profile { get; } = profile;

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(invoker.Router.Rules
            .Select(r => Task.Run(() => ConsumeAsync(r.Function, r.Trigger, stoppingToken), CancellationToken.None)));

    private async Task ConsumeAsync(FunctionDefinition function, EventTrigger trigger, CancellationToken stoppingToken)
    {
        var rule = LocalEventBus.QueueOf(trigger);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var leased = await queue.LeaseAsync(rule, Profile.BatchSize, Profile.VisibilityTimeout, stoppingToken).ConfigureAwait(false);
                if (leased.Count == 0)
                {
                    await signal.WaitAsync(rule, IdlePoll, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                var info = new InvocationInfo(Deadline: timeProvider.GetUtcNow() + Profile.VisibilityTimeout);
                foreach (var delivery in leased)
                {
                    await DeliverAsync(function, delivery, info, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is SqliteException or IOException)
            {
                // The leases expire and the deliveries come back; wait a moment rather than spin.
                LogQueueFault(logger, ex, rule);
                await Task.Delay(IdlePoll, timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async ValueTask DeliverAsync(FunctionDefinition function, LeasedMessage leased, InvocationInfo info, CancellationToken stoppingToken)
    {
        var message = leased.Message;
        PortableEvent @event;
        try
        {
            @event = PortableEvent.FromEnvelope(message.Body.Span) with { Attributes = message.Attributes };
        }
        catch (FormatException ex)
        {
            await queue.DeadLetterAsync(message, $"Not an EventBridge event: {ex.Message}", CancellationToken.None).ConfigureAwait(false);
            await queue.AckAsync(leased, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        var delivery = await invoker.InvokeAsync(function, @event, info, message.DeliveryCount, stoppingToken).ConfigureAwait(false);

        // Settle even while stopping: the work is done, and an unsettled lease would only cause a redelivery.
        if (delivery.Outcome is MessageOutcome.Success or MessageOutcome.DeadLetter)
        {
            await queue.AckAsync(leased, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        var delay = Profile.BackoffAfter(message.DeliveryCount);
        if (await queue.RetryAsync(leased, delivery.Reason ?? "retry", delay, Profile.MaxDeliveries ?? int.MaxValue, CancellationToken.None).ConfigureAwait(false))
        {
            LogExhausted(logger, @event.Id, function.Name, message.DeliveryCount);
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "The local event queue of rule {Rule} could not be read; retrying")]
    private static partial void LogQueueFault(ILogger logger, Exception exception, string rule);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Event {EventId} for {FunctionName} dead-lettered after {Deliveries} deliveries")]
    private static partial void LogExhausted(ILogger logger, string eventId, string functionName, int deliveries);
}
