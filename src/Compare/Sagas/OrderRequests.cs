using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Portable.Compare.Sagas;

/// <summary>The orders app's HTTP API as its users call it: stock, place, read.</summary>
internal static class OrderRequests
{
    /// <summary><c>PUT /inventory/{sku}</c>.</summary>
    public static async Task StockAsync(IOrderHost host, string sku, int available, decimal price, CancellationToken cancellationToken)
    {
        var body = string.Create(CultureInfo.InvariantCulture, $$"""{"available":{{available}},"price":{{price}}}""");
        await SendAsync(host, host.Inventory, HttpMethod.Put, $"/inventory/{sku}", body, HttpStatusCode.OK, cancellationToken);
    }

    /// <summary><c>POST /orders</c>; the order's id from its 202.</summary>
    public static async Task<string> PlaceAsync(IOrderHost host, string customer, string sku, int quantity, string card, string country, CancellationToken cancellationToken)
    {
        var body = string.Create(CultureInfo.InvariantCulture, $$"""{"customer":"{{customer}}","items":[{"sku":"{{sku}}","quantity":{{quantity}}}],"card":"{{card}}","shippingCountry":"{{country}}"}""");
        using var json = JsonDocument.Parse(await SendAsync(host, host.Orders, HttpMethod.Post, "/orders", body, HttpStatusCode.Accepted, cancellationToken));
        return json.RootElement.GetProperty("id").GetString()
            ?? throw new InvalidOperationException($"[{host.Name}] POST /orders answered no id.");
    }

    /// <summary><c>GET /orders/{id}</c>.</summary>
    public static async Task<JsonElement> OrderAsync(IOrderHost host, string id, CancellationToken cancellationToken)
    {
        using var json = JsonDocument.Parse(await SendAsync(host, host.Orders, HttpMethod.Get, $"/orders/{id}", null, HttpStatusCode.OK, cancellationToken));
        return json.RootElement.Clone();
    }

    /// <summary><c>GET /inventory/{sku}</c>: available and reserved units.</summary>
    public static async Task<(int Available, int Reserved)> StockOfAsync(IOrderHost host, string sku, CancellationToken cancellationToken)
    {
        using var json = JsonDocument.Parse(await SendAsync(host, host.Inventory, HttpMethod.Get, $"/inventory/{sku}", null, HttpStatusCode.OK, cancellationToken));
        return (json.RootElement.GetProperty("available").GetInt32(), json.RootElement.GetProperty("reserved").GetInt32());
    }

    /// <summary>The order's status.</summary>
    public static string Status(JsonElement order) => order.GetProperty("status").GetString() ?? "none";

    /// <summary>The order's reason, or null.</summary>
    public static string? Reason(JsonElement order) => order.GetProperty("reason").GetString();

    /// <summary>Whether the order has ended: completed, compensated or failed.</summary>
    public static bool Ended(JsonElement order) => Status(order) is "completed" or "compensated" or "failed";

    /// <summary>The order's steps as <c>step:phase:outcome:attempts</c>, in the order they ran.</summary>
    public static IReadOnlyList<string> Steps(JsonElement order) =>
        [.. order.GetProperty("steps").EnumerateArray().Select(s => string.Create(
            CultureInfo.InvariantCulture,
            $"{s.GetProperty("step").GetString()}:{s.GetProperty("phase").GetString()}:{s.GetProperty("outcome").GetString()}:{s.GetProperty("attempts").GetInt32()}"))];

    /// <summary>The attempts of every step the order ran, summed.</summary>
    public static int Attempts(JsonElement order) => order.GetProperty("steps").EnumerateArray().Sum(s => s.GetProperty("attempts").GetInt32());

    private static async Task<string> SendAsync(IOrderHost host, HttpClient client, HttpMethod method, string path, string? json, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.StatusCode == expected
            ? text
            : throw new InvalidOperationException($"[{host.Name}] {method} {path} answered {(int)response.StatusCode}: {text}");
    }
}
