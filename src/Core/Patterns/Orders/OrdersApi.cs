using System.Text.Json;
using Portable.Core.Http;
using Portable.Core.Sagas;
using Portable.Core.State;

namespace Portable.Core.Patterns.Orders;

/// <summary>
/// <c>orders-api</c>: <c>POST /orders</c> validates and records a pending order, then hands it to the host's
/// <see cref="ISagaStarter"/> (none registered: it stays pending); <c>GET /orders/{id}</c> shows its saga, from the
/// host's <see cref="ISagaStateSource"/> when it has one (a Durable orchestration's status), else from the stored order.
/// <c>Idempotency-Key</c> on POST is handled by <see cref="Idempotency.HttpIdempotencyMiddleware"/>, as for items.
/// </summary>
public sealed class OrdersApi(IStateStore store, TimeProvider timeProvider, ISagaStarter? starter = null, ISagaStateSource? states = null)
{
    /// <summary>The function's name in the manifest.</summary>
    public const string FunctionName = "orders-api";

    /// <summary>The state-store collection holding orders.</summary>
    public const string Collection = "orders";

    /// <summary>Declares the routes of <c>orders-api</c>.</summary>
    public static void MapRoutes(HttpRoutesBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes
            .Map<OrdersApi>("POST", "/orders", static (api, request, _, ct) => api.CreateAsync(request, ct))
            .Map<OrdersApi>("GET", "/orders/{id}", static (api, request, _, ct) => api.GetAsync(request, ct));
    }

    /// <summary><c>POST /orders</c>: 202, <c>Location: /orders/{id}</c>, <c>{"id","status":"pending"}</c>; 400 naming each bad field.</summary>
    public async ValueTask<PortableHttpResponse> CreateAsync(PortableHttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!JsonRequestBody.TryParse(request, out var document, out var error))
        {
            return error;
        }

        OrderInput input;
        using (document)
        {
            if (!OrderInput.TryRead(document.RootElement, out input, out var errors))
            {
                return PortableHttpResponse.Error(400, "The order is invalid.", errors);
            }
        }

        var id = SortableId.New(timeProvider);
        var now = timeProvider.GetUtcNow();
        var total = await TotalAsync(input.Items, cancellationToken).ConfigureAwait(false);
        var order = new OrderRecord(id, input.Customer, input.Items, input.Card, input.ShippingCountry, total, now, now, SagaState.Start(id));
        var bytes = JsonSerializer.SerializeToUtf8Bytes(order, OrdersJsonContext.Default.OrderRecord);
        if (await store.InsertOrConfirmAsync(Collection, id, bytes, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new InvalidOperationException($"Generated order id {id} already exists.");
        }

        if (starter is not null)
        {
            await starter.StartAsync(id, cancellationToken).ConfigureAwait(false);
        }

        var headers = new HeaderMap.Builder(2).Add("Location", $"/orders/{id}");
        return PortableHttpResponse.Json(202, new OrderAccepted(id, SagaStatus.Pending), OrdersJsonContext.Default.OrderAccepted, headers);
    }

    /// <summary><c>GET /orders/{id}</c>: 200 with the order's status, reason, total and step history, or 404.</summary>
    public async ValueTask<PortableHttpResponse> GetAsync(PortableHttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = request.RouteValues["id"];
        var entry = await store.GetAsync(Collection, id, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return PortableHttpResponse.Error(404, $"Order '{id}' was not found.");
        }

        var order = JsonSerializer.Deserialize(entry.Value.Span, OrdersJsonContext.Default.OrderRecord)!;
        if (states is not null && await states.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } live)
        {
            order = order with { Saga = live };
        }

        return PortableHttpResponse.Json(200, OrderView.From(order), OrdersJsonContext.Default.OrderView);
    }

    // True when the order stored under the id just generated is this one: an insert retried after its answer was lost
    // (ResilientStateStore) meets its own write, which reads as a conflict; it must not fail the request, nor leave
    // the stored order without its saga.
    // The price of each line at the time of ordering; a SKU with no stock counts nothing (its reservation will fail).
    private async ValueTask<decimal> TotalAsync(IReadOnlyList<OrderLine> lines, CancellationToken cancellationToken)
    {
        var total = 0m;
        foreach (var line in lines)
        {
            if (await store.GetAsync(OrderSteps.InventoryCollection, line.Sku, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                total += line.Quantity * JsonSerializer.Deserialize(entry.Value.Span, OrdersJsonContext.Default.StockRecord)!.Price;
            }
        }

        return total;
    }
}
