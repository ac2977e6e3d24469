using System.Text.Json;
using Portable.Core.Http;
using Portable.Testing;

namespace Portable.TestKit;

/// <summary>The order saga's HTTP API as the tests call it through a <see cref="FunctionTestHost"/>: one SKU, <c>widget</c>, at 1.50.</summary>
public static class OrderApi
{
    /// <summary>A card every step accepts.</summary>
    public const string GoodCard = "4242424242424242";

    /// <summary>The body of <c>POST /orders</c> for <paramref name="quantity"/> widgets.</summary>
    public static string Order(string customer = "ada", string card = GoodCard, string country = "GB", int quantity = 2) =>
        $$"""{"customer":"{{customer}}","items":[{"sku":"widget","quantity":{{quantity}}}],"card":"{{card}}","shippingCountry":"{{country}}"}""";

    /// <summary>A response body as JSON.</summary>
    public static JsonElement Json(PortableHttpResponse response) => JsonDocument.Parse(response.Body).RootElement;

    /// <summary>An order's history as <c>step:phase:outcome</c>, in the order the steps ran.</summary>
    public static string[] Steps(JsonElement order) =>
        [.. order.GetProperty("steps").EnumerateArray().Select(s => $"{s.GetProperty("step").GetString()}:{s.GetProperty("phase").GetString()}:{s.GetProperty("outcome").GetString()}")];

    /// <summary><c>PUT /inventory/widget</c>: <paramref name="available"/> at 1.50, asserting the 200.</summary>
    public static async Task StockAsync(this FunctionTestHost host, int available)
    {
        ArgumentNullException.ThrowIfNull(host);
        var response = await host.SendAsync("PUT", "/inventory/widget", $$"""{"available":{{available}},"price":1.5}""");
        if (response.StatusCode != 200)
        {
            throw new InvalidOperationException($"PUT /inventory/widget answered {response.StatusCode}.");
        }
    }

    /// <summary><c>POST /orders</c> with <paramref name="json"/>, asserting the 202; returns the order's id.</summary>
    public static async Task<string> PlaceAsync(this FunctionTestHost host, string json)
    {
        ArgumentNullException.ThrowIfNull(host);
        var accepted = await host.SendAsync("POST", "/orders", json);
        if (accepted.StatusCode != 202)
        {
            throw new InvalidOperationException($"POST /orders answered {accepted.StatusCode}: {System.Text.Encoding.UTF8.GetString(accepted.Body.Span)}");
        }

        return Json(accepted).GetProperty("id").GetString()!;
    }

    /// <summary><c>GET /orders/{id}</c>'s body.</summary>
    public static async Task<JsonElement> GetOrderAsync(this FunctionTestHost host, string id)
    {
        ArgumentNullException.ThrowIfNull(host);
        return Json(await host.SendAsync("GET", $"/orders/{id}"));
    }

    /// <summary>The widgets available (<c>GET /inventory/widget</c>).</summary>
    public static async Task<int> AvailableAsync(this FunctionTestHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return Json(await host.SendAsync("GET", "/inventory/widget")).GetProperty("available").GetInt32();
    }
}
