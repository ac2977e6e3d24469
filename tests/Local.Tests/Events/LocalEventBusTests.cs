using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Local.Events;
using Portable.Local.Queues;
using Portable.TestKit;
using static Portable.Local.Tests.Queues.LocalQueueEndToEndTests;

namespace Portable.Local.Tests.Events;

/// <summary>The local host's event bus: published events routed by the manifest's rules onto durable queues and delivered through EventInvoker.</summary>
public sealed class LocalEventBusTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("portable-events-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    private LocalHostOptions Options => new() { Port = 0, DataDirectory = _dataDir };

    private async Task<(WebApplication App, HttpClient Client)> StartAsync(FunctionApp app)
    {
        var host = LocalHost.Build(app, Options, l => l.SetMinimumLevel(LogLevel.Critical));
        await host.StartAsync();
        return (host, new HttpClient { BaseAddress = host.BaseAddress() });
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string json) =>
        client.PostAsync(new Uri(path, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<JsonElement> JsonAsync(HttpClient client, string path) =>
        JsonDocument.Parse(await client.GetStringAsync(new Uri(path, UriKind.Relative))).RootElement;

    private static FunctionApp Counting(List<string> runs, string pattern = """{"source": ["orders"]}""", Func<PortableEvent, MessageResult>? answer = null) =>
        new(new FunctionManifestBuilder()
            .AddEventFunction("order-audit", "audit-orders", pattern, (e, ctx, _) =>
            {
                lock (runs)
                {
                    runs.Add($"{e.Id}#{ctx.DeliveryCount}");
                }

                return ValueTask.FromResult(answer?.Invoke(e) ?? MessageResult.Success);
            })
            .Build());

    [Fact]
    public async Task RoutingScenario_PublishedByAFunction_ReachesEveryMatchingFunctionWithRetriesAndDeadLetters()
    {
        var scenario = new RoutingScenario();
        var (app, client) = await StartAsync(scenario.App);
        await using var _ = app;
        using var __ = client;

        var published = await PostAsync(client, "/publish", RoutingScenario.Events);

        Assert.Equal(HttpStatusCode.Accepted, published.StatusCode);
        Assert.Equal(7, JsonDocument.Parse(await published.Content.ReadAsStringAsync()).RootElement.GetArrayLength());
        await EventuallyAsync(() => Task.FromResult(scenario.IsSettled), "every routed event handled, retried or dead-lettered");
        Assert.Equal(RoutingScenario.ExpectedHandled, scenario.Handled);
        Assert.Equal(RoutingScenario.ExpectedPoisoned, scenario.Poisoned);
        Assert.Equal(RoutingScenario.ExpectedFailedOnce, scenario.Failed);
        var retried = scenario.Attempts.Where(a => a.Ref == "e4").ToList();
        Assert.Equal([1, 2], retried.Select(a => a.DeliveryCount));
        Assert.Single(retried.Select(a => a.EventId).Distinct()); // the local bus keeps the event's id

        var letter = Assert.Single((await JsonAsync(client, $"/_local/queues/{RoutingScenario.BigOrderAuditRule}/dead-letters")).GetProperty("deadLetters").EnumerateArray());
        Assert.Equal($"e7 is poison for {RoutingScenario.BigOrderAudit}", letter.GetProperty("reason").GetString());
        var envelope = PortableEvent.FromEnvelope(Encoding.UTF8.GetBytes(letter.GetProperty("body").GetString()!));
        Assert.Equal("e7", envelope.Detail.GetProperty("ref").GetString());
        await EventuallyAsync(async () => (await JsonAsync(client, $"/_local/queues/{RoutingScenario.NotifyShippingRule}")).GetProperty("messages").GetInt64() == 0, "the retried delivery acknowledged");
    }

    [Fact]
    public async Task PostEvents_OneEvent_AnswersItsIdAndMatchedFunctionsAndDeliversIt()
    {
        var runs = new List<string>();
        var (app, client) = await StartAsync(Counting(runs));
        await using var _ = app;
        using var __ = client;

        var response = await PostAsync(client, "/_local/events", """{"id": "e-42", "source": "orders", "detail-type": "order.placed", "detail": {"total": 3}}""");
        var unmatched = await PostAsync(client, "/_local/events", """[{"source": "payments", "detail-type": "payment.charged"}]""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("events")[0];
        Assert.Equal("e-42", answer.GetProperty("id").GetString());
        Assert.Equal(["order-audit"], answer.GetProperty("functions").EnumerateArray().Select(f => f.GetString()));
        var dropped = JsonDocument.Parse(await unmatched.Content.ReadAsStringAsync()).RootElement.GetProperty("events")[0];
        Assert.True(Guid.TryParse(dropped.GetProperty("id").GetString(), out var generated), generated.ToString());
        Assert.Equal(0, dropped.GetProperty("functions").GetArrayLength());
        await EventuallyAsync(() => Task.FromResult(runs.Count == 1), "the event delivered");
        Assert.Equal(["e-42#1"], runs);
    }

    [Theory]
    [InlineData("not json", "The body is not JSON")]
    [InlineData("[]", "Post one event or a non-empty array of events.")]
    [InlineData("""{"source": "orders"}""", "The event: it has no string 'detail-type'.")]
    [InlineData("""[{"source": "orders", "detail-type": "x"}, 7]""", "Event 1 is not a JSON object.")]
    [InlineData("""{"source": "orders", "detail-type": "x", "time": "soon"}""", "The event: its 'time' is not a timestamp: 'soon'.")]
    [InlineData("""{"source": "orders", "detail-type": "x", "detail": [1]}""", "The event: its 'detail' is not a JSON object.")]
    public async Task PostEvents_Malformed_Answers400WithTheReason(string body, string reason)
    {
        var (app, client) = await StartAsync(Counting([]));
        await using var _ = app;
        using var __ = client;

        var response = await PostAsync(client, "/_local/events", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(reason, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetEvents_IsNotAllowed()
    {
        var (app, client) = await StartAsync(Counting([]));
        await using var _ = app;
        using var __ = client;

        var response = await client.GetAsync(new Uri("/_local/events", UriKind.Relative));
        var enqueue = await PostAsync(client, "/_local/queues/audit-orders", "{}");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, enqueue.StatusCode);
        Assert.Contains("is an event rule's queue: publish events with POST /_local/events", await enqueue.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameEventPublishedTwice_TheFunctionRunsOnce()
    {
        var runs = new List<string>();
        var (app, client) = await StartAsync(Counting(runs));
        await using var _ = app;
        using var __ = client;
        const string placed = """{"id": "e-dup", "source": "orders", "detail-type": "order.placed", "time": "2026-01-02T03:04:05Z"}""";

        await PostAsync(client, "/_local/events", placed);
        await EventuallyAsync(() => Task.FromResult(runs.Count == 1), "the first copy delivered");
        await PostAsync(client, "/_local/events", placed);
        await EventuallyAsync(async () => (await JsonAsync(client, "/_local/queues/audit-orders")).GetProperty("messages").GetInt64() == 0, "the copy settled");

        Assert.Equal(["e-dup#1"], runs);
    }

    [Fact]
    public async Task FailingEveryTime_DeadLetteredAfterTheLocalProfilesMaximumDeliveries()
    {
        var runs = new List<string>();
        var (app, client) = await StartAsync(Counting(runs, answer: _ => MessageResult.Retry("ledger down")));
        await using var _ = app;
        using var __ = client;

        await PostAsync(client, "/_local/events", """{"id": "e-9", "source": "orders", "detail-type": "order.placed"}""");

        await EventuallyAsync(async () => (await JsonAsync(client, "/_local/queues/audit-orders")).GetProperty("deadLetters").GetInt64() == 1, "the event dead-lettered");
        Assert.Equal(["e-9#1", "e-9#2", "e-9#3", "e-9#4", "e-9#5"], runs);
        var letter = Assert.Single((await JsonAsync(client, "/_local/queues/audit-orders/dead-letters")).GetProperty("deadLetters").EnumerateArray());
        Assert.Equal("Failed 5 deliveries (the maximum is 5); last error: ledger down", letter.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Published_WhileNoHostRuns_IsDeliveredByTheNextHost()
    {
        var scenario = new RoutingScenario();
        Directory.CreateDirectory(_dataDir);
        var queue = new SqliteMessageQueue(Options.DatabasePath, TimeProvider.System);
        var bus = new LocalEventBus(scenario.Manifest, queue, new QueueSignal());
        var reserved = new PortableEvent
        {
            Id = "e-kept",
            Source = "inventory",
            DetailType = "inventory.reserved",
            Time = DateTimeOffset.UnixEpoch,
            Detail = JsonDocument.Parse("""{"ref": "e1", "total": 1500}""").RootElement.Clone(),
            Attributes = new Dictionary<string, string> { ["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" },
        };

        Assert.Equal(["e-kept"], await bus.PublishAsync([reserved]));
        Assert.Equal(1, await queue.CountAsync(RoutingScenario.ChargePaymentRule));
        Assert.Equal(1, await queue.CountAsync(RoutingScenario.BigOrderAuditRule));
        Assert.Equal(0, await queue.CountAsync(RoutingScenario.NotifyShippingRule));
        var stored = Assert.Single(await queue.LeaseAsync(RoutingScenario.ChargePaymentRule, 10, TimeSpan.Zero));
        Assert.Equal("e-kept", stored.Message.Id);
        Assert.Equal(reserved.Attributes["traceparent"], stored.Message.Attributes["traceparent"]);

        var (app, client) = await StartAsync(scenario.App);
        await using var _ = app;
        using var __ = client;
        await EventuallyAsync(() => Task.FromResult(scenario.Handled.Count == 2), "both deliveries made by the restarted host");
        Assert.Equal([$"e1:{RoutingScenario.BigOrderAudit}", $"e1:{RoutingScenario.ChargePayment}"], scenario.Handled);
    }

    [Fact]
    public void Constructor_RuleNamedLikeAQueue_IsRefused()
    {
        var manifest = new FunctionManifestBuilder()
            .AddQueue("ledger", "audit-orders", (_, _, _) => ValueTask.FromResult(MessageResult.Success))
            .AddEventFunction("order-audit", "audit-orders", """{"source": ["orders"]}""", (_, _, _) => ValueTask.FromResult(MessageResult.Success))
            .Build();
        Directory.CreateDirectory(_dataDir);

        var refused = Assert.Throws<ArgumentException>(() => new LocalEventBus(manifest, new SqliteMessageQueue(Options.DatabasePath, TimeProvider.System), new QueueSignal()));

        Assert.StartsWith("Rule 'audit-orders' of 'order-audit' has the name of the queue 'ledger' consumes", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_EventPublisherIsTheLocalBus()
    {
        var (app, client) = await StartAsync(Counting([]));
        await using var _ = app;
        using var __ = client;

        Assert.IsType<LocalEventBus>(app.Services.GetRequiredService<IEventPublisher>());
        Assert.Contains("order-audit    EVENT   audit-orders", LocalHost.Banner(app.Services.GetRequiredService<FunctionManifest>(), app.BaseAddress(), Options.DatabasePath), StringComparison.Ordinal);
    }
}
