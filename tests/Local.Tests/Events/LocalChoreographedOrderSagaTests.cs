using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Patterns.Choreography;
using Portable.Core.Patterns.Orders;
using Portable.Core.Settings;
using Portable.TestKit;
using Xunit.Abstractions;

namespace Portable.Local.Tests.Events;

/// <summary>
/// The choreographed order saga on the local host — each step an event function fed by the local bus's durable
/// queues, publishing the next event itself — ends every path as its orchestrated twin (Portable's coordinator on the
/// same host kind) does, waiting the retry backoffs for real: same status, reason, steps, stock and payment.
/// </summary>
public sealed class LocalChoreographedOrderSagaTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly List<string> _dataDirs = [];

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var dir in _dataDirs)
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private async Task<(WebApplication App, HttpClient Client)> StartAsync(string mode)
    {
        var dir = Directory.CreateTempSubdirectory("portable-choreo-").FullName;
        _dataDirs.Add(dir);
        var settings = new HostSettings(name => name == OrderChoreography.ModeVariable ? mode : null);
        var app = new FunctionApp(new FunctionManifestBuilder().AddOrders().AddOrderChoreography().Build(), services => services.AddOrders(settings));
        var host = LocalHost.Build(app, new LocalHostOptions { Port = 0, DataDirectory = dir }, l => l.SetMinimumLevel(LogLevel.Critical));
        await host.StartAsync();
        return (host, new HttpClient { BaseAddress = host.BaseAddress() });
    }

    private static OrderChoreographyScenario.Host Driven(HttpClient client, bool choreographed) => new(
        client,
        client,
        async id =>
        {
            using var payment = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/_local/payments/{id}", UriKind.Relative)));
            return (payment.RootElement.GetProperty("charged").GetDecimal(), payment.RootElement.GetProperty("refunded").GetDecimal());
        },
        choreographed
            ? async json =>
            {
                using var published = await client.PostAsync(new Uri("/_local/events", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.Accepted, published.StatusCode);
            }
            : null);

    [Fact]
    public async Task EveryPath_Choreographed_EndsAsItsOrchestratedTwin()
    {
        var (orchestratedApp, orchestratedClient) = await StartAsync(OrderChoreography.Orchestrated);
        var (choreographedApp, choreographedClient) = await StartAsync(OrderChoreography.Choreographed);
        await using var _ = orchestratedApp;
        await using var __ = choreographedApp;
        using var ___ = orchestratedClient;
        using var ____ = choreographedClient;

        var both = await Task.WhenAll(
            OrderChoreographyScenario.RunAsync(Driven(orchestratedClient, choreographed: false), Deadline),
            OrderChoreographyScenario.RunAsync(Driven(choreographedClient, choreographed: true), Deadline));

        foreach (var line in both[1])
        {
            output.WriteLine(line);
        }

        Assert.Equal(both[0], both[1]);
        Assert.Contains("shipment-fails: compensated; reason create-shipment: shipment refused: no carrier serves XX; steps reserve-inventory:do:succeeded:1 charge-payment:do:succeeded:1 create-shipment:do:failed:1 refund-payment:undo:succeeded:1 release-inventory:undo:succeeded:1; stock 5/0; paid 2.50 refunded 2.50", both[1]);
        Assert.Contains("notify-fails: completed; reason none; steps reserve-inventory:do:succeeded:1 charge-payment:do:succeeded:1 create-shipment:do:succeeded:1 notify-customer:do:failed:4; stock 3/2; paid 2.50 refunded 0.00", both[1]);

        // The choreography ran over the bus: each step's rule has its own durable queue, and every one drained.
        foreach (var handler in OrderChoreography.Handlers)
        {
            using var queue = JsonDocument.Parse(await choreographedClient.GetStringAsync(new Uri($"/_local/queues/{OrderChoreography.FunctionName(handler)}", UriKind.Relative)));
            Assert.Equal(0, queue.RootElement.GetProperty("messages").GetInt64());
        }

        using var coordinator = JsonDocument.Parse(await orchestratedClient.GetStringAsync(new Uri($"/_local/queues/{OrderSaga.Queue}", UriKind.Relative)));
        Assert.Equal(0, coordinator.RootElement.GetProperty("messages").GetInt64());
    }
}
