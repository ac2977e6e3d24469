using System.Text.Json;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Sagas;
using Portable.Core.Schedules;
using Portable.Core.State;

namespace Portable.Core.Patterns.Orders;

/// <summary>
/// <c>reconcile-orders</c>, every minute: an order whose saga has stood in a non-terminal status (pending, running,
/// compensating) for longer than <see cref="Deadline"/> is given up on — before the pivot it compensates what it did,
/// past it it ends completed (<see cref="SagaEvaluator.Abort"/>) — and handed back to the saga's starter, which runs
/// the compensations. Each reconciliation is logged with the order id. It catches what no retry can: a chain of
/// messages that broke, a step whose every delivery was lost.
/// </summary>
public sealed partial class OrderReconciler(ISagaRepository repository, IStateStore store, ISagaStarter starter, TimeProvider timeProvider, ILogger<OrderReconciler> logger) : IScheduledFunction
{
    /// <summary>The function's name in the manifest.</summary>
    public const string FunctionName = "reconcile-orders";

    /// <summary>Its schedule: every minute.</summary>
    public const string Cron = "* * * * *";

    private const int PageSize = 100;

    /// <summary>How long an order may stay unfinished before it is reconciled; 5 minutes unless set.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromMinutes(5);

    /// <inheritdoc />
    public async ValueTask HandleAsync(ScheduledInvocation tick, FunctionContext context, CancellationToken cancellationToken)
    {
        var cutoff = timeProvider.GetUtcNow() - Deadline;
        string? after = null;
        StatePage page;
        do
        {
            page = await store.ListAsync(OrdersApi.Collection, PageSize, after, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page.Entries)
            {
                after = entry.Key;
                var order = JsonSerializer.Deserialize(entry.Value.Span, OrdersJsonContext.Default.OrderRecord)!;
                if (!order.Saga.IsTerminal && order.UpdatedAt < cutoff)
                {
                    await ReconcileAsync(order, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        while (page.HasMore);
    }

    private async ValueTask ReconcileAsync(OrderRecord order, CancellationToken cancellationToken)
    {
        var reason = $"reconciled: {order.Saga.Status.ToString().ToLowerInvariant()} for more than {Deadline.TotalMinutes:0.#} minutes";
        while (await repository.LoadAsync(order.Id, cancellationToken).ConfigureAwait(false) is { } instance)
        {
            if (instance.State.IsTerminal)
            {
                return; // it finished while we looked
            }

            var aborted = SagaEvaluator.Abort(OrderSaga.Definition, instance.State, reason);
            if (ReferenceEquals(aborted, instance.State) || await repository.TrySaveAsync(instance, aborted, cancellationToken).ConfigureAwait(false) is not null)
            {
                LogReconciled(logger, order.Id, order.Saga.Status, order.UpdatedAt, aborted.Status);
                await starter.StartAsync(order.Id, cancellationToken).ConfigureAwait(false);
                return;
            }
        }
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Reconciled order {OrderId}: {Status} since {UpdatedAt}; now {NewStatus}")]
    private static partial void LogReconciled(ILogger logger, string orderId, SagaStatus status, DateTimeOffset updatedAt, SagaStatus newStatus);
}
