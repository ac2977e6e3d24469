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
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(200);

    /// <summary>The numbers the worker applies: <see cref="DeliveryProfile.Local"/> unless the host changed them.</summary>
    public DeliveryProfile Profile { get; } = profile;

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(invoker.Manifest.FunctionsOf<StorageTrigger>()
            .Select(f => Task.Run(() => ConsumeAsync(f.Function, stoppingToken), CancellationToken.None)));

    private async Task ConsumeAsync(FunctionDefinition function, CancellationToken stoppingToken)
    {
        var name = LocalObjectDelivery.QueueOf(function);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var leased = await queue.LeaseAsync(name, Profile.BatchSize, Profile.VisibilityTimeout, stoppingToken).ConfigureAwait(false);
                if (leased.Count == 0)
                {
                    await signal.WaitAsync(name, IdlePoll, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                foreach (var delivery in leased)
                {
                    var info = new InvocationInfo(Deadline: timeProvider.GetUtcNow() + Profile.VisibilityTimeout, TraceParent: delivery.Message.Attributes.GetValueOrDefault("traceparent"));
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
                LogQueueFault(logger, ex, name);
                await Task.Delay(IdlePoll, timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
    }

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
            await queue.DeadLetterAsync(message, $"Not an object-created event: {ex.Message}", CancellationToken.None).ConfigureAwait(false);
            await queue.AckAsync(leased, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        var result = await invoker.InvokeAsync(function, created, info, stoppingToken, message.DeliveryCount).ConfigureAwait(false);

        // Settle even while stopping: the work is done, and an unsettled lease would only cause a redelivery.
        if (result.Outcome is MessageOutcome.Success or MessageOutcome.DeadLetter)
        {
            await queue.AckAsync(leased, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        var delay = Profile.BackoffAfter(message.DeliveryCount);
        if (await queue.RetryAsync(leased, result.Reason ?? "retry", delay, Profile.MaxDeliveries ?? int.MaxValue, CancellationToken.None).ConfigureAwait(false))
        {
            LogExhausted(logger, created.Bucket, created.Key, function.Name, message.DeliveryCount);
        }
    }

    [LoggerMessage(EventId = 3131, Level = LogLevel.Error, Message = "The local object-event queue of {FunctionName} could not be read; retrying")]
    private static partial void LogQueueFault(ILogger logger, Exception exception, string functionName);

    [LoggerMessage(EventId = 3132, Level = LogLevel.Warning, Message = "Object {Bucket}/{Key} for {FunctionName} dead-lettered after {Deliveries} deliveries")]
    private static partial void LogExhausted(ILogger logger, string bucket, string key, string functionName, int deliveries);
}
