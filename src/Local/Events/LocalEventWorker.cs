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
    private readonly LocalQueueConsumer _consumer = new(profile, queue, signal, timeProvider, logger);

    /// <summary>The numbers the worker applies: <see cref="DeliveryProfile.Local"/> unless the host changed them.</summary>
    public DeliveryProfile Profile => _consumer.Profile;

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(invoker.Router.Rules
            .Select(r => Task.Run(() => ConsumeAsync(r.Function, r.Trigger, stoppingToken), CancellationToken.None)));

    private Task ConsumeAsync(FunctionDefinition function, EventTrigger trigger, CancellationToken stoppingToken) =>
        _consumer.RunAsync(LocalEventBus.QueueOf(trigger), Profile.BatchSize, async (leased, info, token) =>
        {
            foreach (var delivery in leased)
            {
                await DeliverAsync(function, delivery, info, token).ConfigureAwait(false);
            }
        }, stoppingToken);

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
            await _consumer.RejectAsync(leased, $"Not an EventBridge event: {ex.Message}").ConfigureAwait(false);
            return;
        }

        var delivery = await invoker.InvokeAsync(function, @event, info, message.DeliveryCount, stoppingToken).ConfigureAwait(false);
        if (await _consumer.SettleAsync(leased, delivery.Outcome, delivery.Reason).ConfigureAwait(false))
        {
            LogExhausted(logger, @event.Id, function.Name, message.DeliveryCount);
        }
    }

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Event {EventId} for {FunctionName} dead-lettered after {Deliveries} deliveries")]
    private static partial void LogExhausted(ILogger logger, string eventId, string functionName, int deliveries);
}
