using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Functions;
using Portable.Core.Patterns.Orders;
using Portable.Core.Sagas;
using Portable.Testing;

namespace Portable.TestKit;

/// <summary>
/// The order saga in the kit's host, for the adapters' step-function tests: stock is put and an order placed over its
/// HTTP API (the coordinator's first message is published, not delivered), so an orchestrator's step requests can be
/// sent by hand.
/// </summary>
public sealed class OrderSagaFixture : IAsyncDisposable
{
    /// <summary>A card every step accepts.</summary>
    public const string GoodCard = "4242424242424242";

    /// <summary>Creates the host; a retry's backoff is waited out by advancing its clock.</summary>
    public OrderSagaFixture()
    {
        Host = new(new FunctionManifestBuilder().AddOrders().Build(), services => services
            .AddOrders()
            .AddSingleton<SagaWait>((delay, _) =>
            {
                Host!.Clock.Advance(delay);
                return Task.CompletedTask;
            }));
    }

    /// <summary>The host: PatternsApp's order functions.</summary>
    public FunctionTestHost Host { get; }

    /// <summary>The saga's step function.</summary>
    public FunctionDefinition StepFunction => Host.Manifest.Find<SagaStepTrigger>(OrderSaga.StepFunctionName)!.Value.Function;

    /// <summary>Stocks 5 widgets at 1.50 and places an order for two with <paramref name="card"/>; returns its id.</summary>
    public async Task<string> PlaceOrderAsync(string card = GoodCard, string country = "GB")
    {
        var stocked = await Host.SendAsync("PUT", "/inventory/widget", """{"available":5,"price":1.5}""");
        if (stocked.StatusCode != 200)
        {
            throw new InvalidOperationException($"PUT /inventory/widget answered {stocked.StatusCode}.");
        }

        var accepted = await Host.SendAsync("POST", "/orders", $$"""{"customer":"ada","items":[{"sku":"widget","quantity":2}],"card":"{{card}}","shippingCountry":"{{country}}"}""");
        return JsonDocument.Parse(accepted.Body).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>A step request as an orchestrator sends it.</summary>
    public static string Request(string orderId, string step, string phase = "do", int attempt = 1) =>
        $$"""{"saga":"order","sagaId":"{{orderId}}","step":"{{step}}","phase":"{{phase}}","attempt":{{attempt}}}""";

    /// <summary>The order's status and its steps as <c>step:phase:outcome</c>, space-separated.</summary>
    public async Task<(string Status, string Steps)> OrderAsync(string orderId)
    {
        var order = JsonDocument.Parse((await Host.SendAsync("GET", $"/orders/{orderId}")).Body).RootElement;
        return (order.GetProperty("status").GetString()!,
            string.Join(' ', order.GetProperty("steps").EnumerateArray().Select(s => $"{s.GetProperty("step").GetString()}:{s.GetProperty("phase").GetString()}:{s.GetProperty("outcome").GetString()}")));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
