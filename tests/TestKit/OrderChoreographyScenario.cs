using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Portable.Core.Patterns.Choreography;
using Portable.Core.Patterns.Orders;

namespace Portable.TestKit;

/// <summary>
/// The order saga's paths driven over HTTP on a running host, for comparing the choreographed saga with its
/// orchestrated twin on the same host kind: stock with <c>PUT /inventory/{sku}</c>, orders with <c>POST /orders</c>,
/// every order read with <c>GET /orders/{id}</c> until it ends, and its payment read from the host. A host kind
/// joins by giving the two API clients, a way to read an order's payment, and (choreographed) a way to put an event
/// on its bus — the lines it writes must equal its twin's.
/// </summary>
public static class OrderChoreographyScenario
{
    /// <summary>How one host is driven.</summary>
    /// <param name="Inventory">A client on <c>inventory-api</c>.</param>
    /// <param name="Orders">A client on <c>orders-api</c>.</param>
    /// <param name="Payment">Reads an order's simulated payment: charged and refunded.</param>
    /// <param name="PublishEvent">Puts one event (EventBridge JSON, no id: the bus gives one) on the host's bus; null for an orchestrated host.</param>
    public sealed record Host(HttpClient Inventory, HttpClient Orders, Func<string, Task<(decimal Charged, decimal Refunded)>> Payment, Func<string, Task>? PublishEvent);

    /// <summary>One path: its inputs.</summary>
    public sealed record SagaInput(string Name, string Customer, string Card, string Country, int Quantity);

    /// <summary>Every path of the saga's rules, and a success whose first event (or step request) is delivered twice.</summary>
    public static IReadOnlyList<SagaInput> Paths { get; } =
    [
        new("success", "ada", OrderApi.GoodCard, "GB", 2),
        new("out-of-stock", "ada", OrderApi.GoodCard, "GB", 6),
        new("declined", "ada", SimulatedPaymentService.DeclinedCard, "GB", 2),
        new("payment-timeout", "ada", SimulatedPaymentService.TimeoutCard, "GB", 2),
        new("shipment-fails", "ada", OrderApi.GoodCard, OrderSteps.UnshippableCountry, 2),
        new("notify-fails", OrderSteps.UnreachableCustomer, OrderApi.GoodCard, "GB", 2),
        new("duplicate", "ada", OrderApi.GoodCard, "GB", 2),
    ];

    /// <summary>
    /// Walks every path at once and returns one line per path: status, reason, steps with attempts, stock, payment.
    /// On a choreographed host the duplicate path's <c>order.placed</c> is published a second time (a copy with a new id).
    /// </summary>
    public static async Task<IReadOnlyList<string>> RunAsync(Host host, TimeSpan deadline)
    {
        ArgumentNullException.ThrowIfNull(host);
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Paths)
        {
            await SendAsync(host.Inventory, HttpMethod.Put, $"/inventory/widget-{path.Name}", """{"available":5,"price":1.25}""", HttpStatusCode.OK);
        }

        foreach (var path in Paths)
        {
            var body = $$"""{"customer":"{{path.Customer}}","items":[{"sku":"widget-{{path.Name}}","quantity":{{path.Quantity}}}],"card":"{{path.Card}}","shippingCountry":"{{path.Country}}"}""";
            using var accepted = JsonDocument.Parse(await SendAsync(host.Orders, HttpMethod.Post, "/orders", body, HttpStatusCode.Accepted));
            ids[path.Name] = accepted.RootElement.GetProperty("id").GetString()!;
            if (path.Name == "duplicate" && host.PublishEvent is { } publish)
            {
                await publish($$$"""{"source":"{{{OrderChoreography.Source}}}","detail-type":"{{{OrderChoreography.OrderPlaced}}}","detail":{"orderId":"{{{ids[path.Name]}}}"}}""");
            }
        }

        var clock = Stopwatch.StartNew();
        var lines = new List<string>();
        foreach (var path in Paths)
        {
            JsonElement order;
            while (true)
            {
                using var read = JsonDocument.Parse(await SendAsync(host.Orders, HttpMethod.Get, $"/orders/{ids[path.Name]}", null, HttpStatusCode.OK));
                order = read.RootElement.Clone();
                if (order.GetProperty("status").GetString() is "completed" or "compensated" or "failed")
                {
                    break;
                }

                Assert.True(clock.Elapsed < deadline, $"order {path.Name} had not ended after {deadline.TotalSeconds:0} s: {order}");
                await Task.Delay(50);
            }

            using var stock = JsonDocument.Parse(await SendAsync(host.Inventory, HttpMethod.Get, $"/inventory/widget-{path.Name}", null, HttpStatusCode.OK));
            var (charged, refunded) = await host.Payment(ids[path.Name]);
            var steps = string.Join(' ', order.GetProperty("steps").EnumerateArray().Select(s =>
                $"{s.GetProperty("step").GetString()}:{s.GetProperty("phase").GetString()}:{s.GetProperty("outcome").GetString()}:{s.GetProperty("attempts").GetInt32()}"));
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{path.Name}: {order.GetProperty("status").GetString()}; reason {order.GetProperty("reason").GetString() ?? "none"}; steps {steps}; stock {stock.RootElement.GetProperty("available").GetInt32()}/{stock.RootElement.GetProperty("reserved").GetInt32()}; paid {charged:0.00} refunded {refunded:0.00}"));
        }

        return lines;
    }

    private static async Task<string> SendAsync(HttpClient client, HttpMethod method, string path, string? json, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path} answered {(int)response.StatusCode}: {text}");
        return text;
    }
}
