using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.DurableTask.Protobuf;
using Microsoft.Extensions.Time.Testing;
using Portable.Azure.Sagas;
using Portable.Azure.State;
using Portable.Core.Patterns.Orders;
using Portable.Core.State;
using Portable.Emulators.Azure.Durable;
using Portable.Emulators.Azure.Isolated;
using Portable.Engines;
using Portable.TestKit;
using Kind = Microsoft.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase;

namespace Portable.Azure.Tests.Sagas;

/// <summary>
/// src/Azure's real worker from its build output under the Functions host emulator with the Durable runner
/// (<c>PORTABLE_SAGA_RUNNER=durable</c>), its state in Azurite's Table service so that a test reads the same store
/// (orders, stock, payments) the worker writes, and the task hub's clock a fake one the tests move. One per test
/// class; the tests in a class run one after another, each with its own SKUs and orders.
/// </summary>
public sealed class DurableSagaHost : IAsyncLifetime
{
    private readonly List<string> _logs = [];

    /// <summary>Azurite, owned by this fixture.</summary>
    public AzuriteFixture Azurite { get; } = new();

    /// <summary>The task hub's clock: durable timers fire when a test moves it.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));

    /// <summary>The emulated Functions host running the worker.</summary>
    public IsolatedFunctionsHost Host { get; private set; } = null!;

    /// <summary>The hub the host runs.</summary>
    public DurableTaskHub Hub => Host.Durable ?? throw new InvalidOperationException("The worker reported no Durable function.");

    /// <summary>The worker's state store, read from the test.</summary>
    public IStateStore Store { get; private set; } = null!;

    /// <summary>The payment service over <see cref="Store"/>, to read what was charged and refunded.</summary>
    public SimulatedPaymentService Payments { get; private set; } = null!;

    /// <summary>The worker's logs so far, for failure messages.</summary>
    public string Logs
    {
        get
        {
            lock (_logs)
            {
                return string.Join('\n', _logs);
            }
        }
    }

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        var table = "sagas" + Guid.NewGuid().ToString("N")[..12];
        Host = await IsolatedFunctionsHost.StartAsync(new IsolatedFunctionsHostOptions
        {
            AppDirectory = Path.GetDirectoryName(RepoPaths.BuildOutput("src/Azure", "worker.config.json"))!,
            TimeProvider = Clock,
            Environment = new Dictionary<string, string>
            {
                ["AzureWebJobsStorage"] = Azurite.ConnectionString,
                [TableStorageStateStoreOptions.TableVariable] = table,
                [DurableSagaRunner.RunnerVariable] = DurableSagaRunner.Durable,
            },
            OnLog = log =>
            {
                lock (_logs)
                {
                    _logs.Add(log.ToString());
                }
            },
        });
        Store = new TableStorageStateStore(new TableServiceClient(Azurite.ConnectionString), TimeProvider.System, table);
        Payments = new SimulatedPaymentService(Store);
    }

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        await Azurite.DisposeAsync();
    }

    /// <summary>PUT /inventory/{sku}.</summary>
    public async Task PutStockAsync(string sku, int available, decimal price)
    {
        using var client = Host.CreateClient();
        using var response = await client.PutAsJsonAsync($"/inventory/{sku}", new { available, price });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PUT /inventory/{sku}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{Logs}");
    }

    /// <summary>GET /inventory/{sku}.</summary>
    public Task<JsonElement> GetStockAsync(string sku) => GetJsonAsync($"/inventory/{sku}");

    /// <summary>POST /orders; returns the order id after checking the 202 answer.</summary>
    public async Task<string> PlaceOrderAsync(string customer, string sku, int quantity, string card = "4111111111111111", string shippingCountry = "DE")
    {
        using var client = Host.CreateClient();
        using var response = await client.PostAsJsonAsync("/orders", new { customer, items = new[] { new { sku, quantity } }, card, shippingCountry });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /orders: {(int)response.StatusCode} {text}\n{Logs}");
        using var body = JsonDocument.Parse(text);
        var id = body.RootElement.GetProperty("id").GetString()!;
        Assert.Equal("pending", body.RootElement.GetProperty("status").GetString());
        Assert.Equal($"/orders/{id}", response.Headers.Location?.OriginalString);
        return id;
    }

    /// <summary>GET /orders/{id}.</summary>
    public Task<JsonElement> GetOrderAsync(string id) => GetJsonAsync($"/orders/{id}");

    /// <summary>The order as the store holds it.</summary>
    public async Task<OrderRecord> StoredOrderAsync(string id)
    {
        var entry = await Store.GetAsync(OrdersApi.Collection, id) ?? throw new InvalidOperationException($"Order {id} is not stored.");
        return JsonSerializer.Deserialize(entry.Value.Span, OrdersJsonContext.Default.OrderRecord)!;
    }

    /// <summary>
    /// Runs the orchestration to its end: whenever the hub is idle, moves the clock to the instance's earliest open
    /// timer (a retry's backoff, or an attempt's timeout timer left behind by an attempt that finished first).
    /// </summary>
    public async Task<DurableInstanceStatus> DriveAsync(string instanceId, CancellationToken cancellationToken)
    {
        while (true)
        {
            await Hub.WaitForIdleAsync(cancellationToken);
            var status = Hub.GetStatus(instanceId) ?? throw new InvalidOperationException($"No orchestration {instanceId}.\n{Logs}");
            if (status.IsFinished)
            {
                Assert.True(status.RuntimeStatus == OrchestrationStatus.Completed, $"{status.RuntimeStatus}: {status.Failure?.ErrorMessage}\n{Hub.DescribeHistory(instanceId)}\n{Logs}");
                return status;
            }

            var open = OpenTimers(instanceId);
            Assert.True(open.Count > 0, $"{instanceId} is idle with no timer to fire.\n{Hub.DescribeHistory(instanceId)}\n{Logs}");
            var next = open.Min(t => t.FireAt!.Value);
            Clock.Advance(next - Clock.GetUtcNow());
        }
    }

    /// <summary>The instance's timers that have not fired.</summary>
    public List<DurableHistoryEntry> OpenTimers(string instanceId)
    {
        var history = Hub.GetHistory(instanceId);
        var fired = history.Where(e => e.Kind == Kind.TimerFired).Select(e => e.ReferenceId).ToHashSet();
        return [.. history.Where(e => e.Kind == Kind.TimerCreated && !fired.Contains(e.EventId))];
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var client = Host.CreateClient();
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {text}\n{Logs}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
