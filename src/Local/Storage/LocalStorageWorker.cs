using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Json;
using Portable.Core.Messaging;
using Portable.Core.Storage;
using Portable.Local.Queues;

namespace Portable.Local.Storage;

/// <summary>
/// Delivers the object-created events <see cref="LocalObjectDelivery"/> queued: for every storage function of the
/// manifest it leases from the function's queue, runs each event through Core's <see cref="StorageInvoker"/> (which
/// applies the trigger's filter, the idempotency middleware and the dead letters of bad data), and settles it by the
/// local delivery profile — handled or dead-lettered: acknowledged; to retry: visible again after the backoff, and
/// dead-lettered once it has had the profile's maximum deliveries. A delivery whose body is not an object-created
/// event is dead-lettered with the reason.
/// </summary>
public sealed partial class LocalStorageWorker(
    DeliveryProfile profile,
    SqliteMessageQueue queue,
    StorageInvoker invoker,
    QueueSignal signal,
    TimeProvider timeProvider,
    ILogger<LocalStorageWorker> logger) : BackgroundService
{
    private readonly LocalQueueConsumer _consumer = new(profile, queue, signal, timeProvider, logger);

    /// <summary>The numbers the worker applies: <see cref="DeliveryProfile.Local"/> unless the host changed them.</summary>
    public DeliveryProfile Profile => _consumer.Profile;

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(invoker.Manifest.FunctionsOf<StorageTrigger>()
            .Select(f => Task.Run(() => ConsumeAsync(f.Function, stoppingToken), CancellationToken.None)));

    private Task ConsumeAsync(FunctionDefinition function, CancellationToken stoppingToken) =>
        _consumer.RunAsync(LocalObjectDelivery.QueueOf(function), Profile.BatchSize, async (leased, info, token) =>
        {
            foreach (var delivery in leased)
            {
                var traced = info with { TraceParent = delivery.Message.Attributes.GetValueOrDefault("traceparent") };
                await DeliverAsync(function, delivery, traced, token).ConfigureAwait(false);
            }
        }, stoppingToken);

    private async ValueTask DeliverAsync(FunctionDefinition function, LeasedMessage leased, InvocationInfo info, CancellationToken stoppingToken)
    {
        var message = leased.Message;
        ObjectCreated created;
        try
        {
            created = JsonSerializer.Deserialize(message.Body.Span, CoreJsonContext.Default.ObjectCreated)
                ?? throw new JsonException("The body is JSON null.");
        }
        catch (JsonException ex)
        {
            await _consumer.RejectAsync(leased, $"Not an object-created event: {ex.Message}").ConfigureAwait(false);
            return;
        }

        var result = await invoker.InvokeAsync(function, created, info, stoppingToken, message.DeliveryCount).ConfigureAwait(false);
        if (await _consumer.SettleAsync(leased, result.Outcome, result.Reason).ConfigureAwait(false))
        {
            LogExhausted(logger, created.Bucket, created.Key, function.Name, message.DeliveryCount);
        }
    }

    [LoggerMessage(EventId = 3132, Level = LogLevel.Warning, Message = "Object {Bucket}/{Key} for {FunctionName} dead-lettered after {Deliveries} deliveries")]
    private static partial void LogExhausted(ILogger logger, string bucket, string key, string functionName, int deliveries);
}
