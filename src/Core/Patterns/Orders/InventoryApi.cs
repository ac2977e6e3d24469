using System.Text.Json;
using Portable.Core.Http;
using Portable.Core.State;

namespace Portable.Core.Patterns.Orders;

/// <summary><c>inventory-api</c>: <c>PUT /inventory/{sku}</c> sets a SKU's available units and price; <c>GET /inventory/{sku}</c> reads them with the units reserved.</summary>
public sealed class InventoryApi(IStateStore store)
{
    /// <summary>The function's name in the manifest.</summary>
    public const string FunctionName = "inventory-api";

    /// <summary>Declares the routes of <c>inventory-api</c>.</summary>
    public static void MapRoutes(HttpRoutesBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes
            .Map<InventoryApi>("PUT", "/inventory/{sku}", static (api, request, _, ct) => api.PutAsync(request, ct))
            .Map<InventoryApi>("GET", "/inventory/{sku}", static (api, request, _, ct) => api.GetAsync(request, ct));
    }

    /// <summary><c>PUT /inventory/{sku}</c>: 200 with the stock; the units already reserved are kept.</summary>
    public async ValueTask<PortableHttpResponse> PutAsync(PortableHttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sku = request.RouteValues["sku"];
        if (!JsonRequestBody.TryParse(request, out var document, out var error))
        {
            return error;
        }

        StockInput input;
        using (document)
        {
            if (!StockInput.TryRead(document.RootElement, out input, out var errors))
            {
                return PortableHttpResponse.Error(400, "The stock is invalid.", errors);
            }
        }

        var written = await ConditionalUpdate.UpdateAsync(store, OrderSteps.InventoryCollection, sku, OrdersJsonContext.Default.StockRecord, current =>
            current is null
                ? new StockRecord(sku, input.Available, 0, input.Price, new Dictionary<string, int>(StringComparer.Ordinal))
                : current with { Available = input.Available, Price = input.Price },
            cancellationToken).ConfigureAwait(false);
        return StockResponse(written!);
    }

    /// <summary><c>GET /inventory/{sku}</c>: 200 with the stock, or 404.</summary>
    public async ValueTask<PortableHttpResponse> GetAsync(PortableHttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sku = request.RouteValues["sku"];
        var entry = await store.GetAsync(OrderSteps.InventoryCollection, sku, cancellationToken).ConfigureAwait(false);
        return entry is null
            ? PortableHttpResponse.Error(404, $"SKU '{sku}' was not found.")
            : StockResponse(JsonSerializer.Deserialize(entry.Value.Span, OrdersJsonContext.Default.StockRecord)!);
    }

    private static PortableHttpResponse StockResponse(StockRecord stock) =>
        PortableHttpResponse.Json(200, new Stock(stock.Sku, stock.Available, stock.Reserved, stock.Price), OrdersJsonContext.Default.Stock);
}
