using System.Net;
using System.Text;
using System.Text.Json;
using Portable.Azure.Events;
using Portable.Emulators.Azure;
using Portable.Emulators.Azure.Isolated;
using Portable.Engines;
using Portable.TestKit;

namespace Portable.Azure.Tests.Events;

/// <summary>
/// Content-based routing on Azure, end to end, with the scenario every host runs (<see cref="RoutingScenario"/>, in
/// tests/AzureEventsApp): the real isolated worker under the isolated Functions host emulator, its storage account in
/// Azurite. <c>POST /publish</c> puts each event's envelope on the Storage queue <c>portable-events</c>; the event
/// router (a queue trigger there) forwards it to <c>events-{rule}</c> of each matching rule; each event function is a
/// queue trigger on its rule's queue, run through Core's event invoker (idempotent by function and event id, state in
/// Table Storage). CloudEvents and Event Grid schema messages — what an Event Grid subscription writes to a queue —
/// are routed as the native envelope is, and a message that is not an event is poisoned at once.
/// </summary>
public sealed class EventRoutingOnStorageQueuesTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private const string FlakyRule = "on-flaky"; // tests/AzureEventsApp: its handler always fails transiently
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private static int _tables;

    private IsolatedFunctionsHost _host = null!;
    private AzuriteQueueBridge _queues = null!;

    private static string AppDirectory => Path.GetDirectoryName(RepoPaths.BuildOutput("tests/AzureEventsApp", "worker.config.json"))!;

    private static string RuleQueue(string rule) => EventQueues.RuleQueuePrefix + rule;

    public async Task InitializeAsync()
    {
        _host = await IsolatedFunctionsHost.StartAsync(new IsolatedFunctionsHostOptions
        {
            AppDirectory = AppDirectory,
            StartupTimeout = TimeSpan.FromSeconds(90),
            Environment = new Dictionary<string, string>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["PORTABLE_TABLES_TABLE"] = $"routing{Interlocked.Increment(ref _tables)}{Environment.ProcessId}",
            },
        });
        _queues = await AzuriteQueueBridge.StartAsync(_host, azurite.ConnectionString);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public void Worker_DeclaresTheRouterAndOneQueueTriggerPerRule()
    {
        Assert.Equal(
            [RuleQueue(RoutingScenario.BigOrderAuditRule), RuleQueue(FlakyRule), RuleQueue(RoutingScenario.ChargePaymentRule), RuleQueue(RoutingScenario.NotifyShippingRule), EventQueues.RouterQueue],
            _host.Queues.TriggeredQueues.Order(StringComparer.Ordinal));
        Assert.NotNull(_host.FindFunction(EventQueues.RouterFunctionName));
    }

    [Fact]
    public async Task Publish_ThroughTheWorker_EachEventReachesTheFunctionsOfTheRulesThatMatchIt()
    {
        using var client = _host.CreateClient();
        using var response = await client.PostAsync("/publish", new StringContent(RoutingScenario.Events, Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{string.Join('\n', _host.Logs)}");

        await _queues.PumpUntilIdleAsync(Patience);

        var attempts = await AttemptsAsync();
        // e1 matches two rules (exact source and detail-type; numeric >= 1000) and reaches both functions; e5 (drone)
        // and e6 (payments) match none; e4 fails once and is retried by the host; e7 is dead-lettered by its handler.
        Assert.Equal(RoutingScenario.ExpectedHandled, Of(attempts, RoutingAttempt.Handled));
        Assert.Equal(RoutingScenario.ExpectedFailedOnce, Of(attempts, RoutingAttempt.Failed));
        Assert.Equal(RoutingScenario.ExpectedPoisoned, Of(attempts, RoutingAttempt.Poisoned));
        var retried = Assert.Single(attempts, a => a.Ref == "e4" && a.Outcome == RoutingAttempt.Handled);
        Assert.Equal(2, retried.DeliveryCount);
        Assert.Contains(_host.Queues.Deliveries, d => d.Queue == RuleQueue(RoutingScenario.NotifyShippingRule) && d.DequeueCount == 1 && d.Outcome == QueueDeliveryOutcome.Retried);

        // The router forwarded nothing for e5 and e6, and each rule queue saw only its rule's events.
        Assert.Equal(7, _host.Queues.Deliveries.Count(d => d.Queue == EventQueues.RouterQueue && d.Outcome == QueueDeliveryOutcome.Completed));
        Assert.Equal(2, _host.Queues.Deliveries.Count(d => d.Queue == RuleQueue(RoutingScenario.ChargePaymentRule)));
        Assert.Equal(3, _host.Queues.Deliveries.Count(d => d.Queue == RuleQueue(RoutingScenario.BigOrderAuditRule)));

        // e7's envelope is in its rule's poison queue, put there by Portable at once (one delivery), not by the host.
        var poison = Assert.Single(await _queues.PeekAsync(RuleQueue(RoutingScenario.BigOrderAuditRule) + EmulatedStorageQueues.PoisonSuffix));
        using (var letter = JsonDocument.Parse(poison))
        {
            Assert.Equal("e7", letter.RootElement.GetProperty("detail").GetProperty("ref").GetString());
        }

        Assert.All(_host.Queues.Deliveries.Where(d => d.Queue == RuleQueue(RoutingScenario.BigOrderAuditRule)), d => Assert.Equal((1, QueueDeliveryOutcome.Completed), (d.DequeueCount, d.Outcome)));
        Assert.Empty(_host.Queues.PoisonMessages(RuleQueue(RoutingScenario.BigOrderAuditRule)));
    }

    [Fact]
    public async Task TransientFailure_EveryTime_RetriedUpToMaxDequeueCountThenPoisonedByTheHost()
    {
        var envelope = Envelope("flaky-1", "flaky", "thing.happened", """{"ref": "f1"}""");
        await _queues.SendAsync(EventQueues.RouterQueue, envelope);

        await _queues.PumpUntilIdleAsync(Patience);

        var deliveries = _host.Queues.Deliveries.Where(d => d.Queue == RuleQueue(FlakyRule)).ToList();
        Assert.Equal([1, 2, 3, 4, 5], deliveries.Select(d => d.DequeueCount));
        Assert.Equal(
            [QueueDeliveryOutcome.Retried, QueueDeliveryOutcome.Retried, QueueDeliveryOutcome.Retried, QueueDeliveryOutcome.Retried, QueueDeliveryOutcome.Poisoned],
            deliveries.Select(d => d.Outcome));
        Assert.Equal(envelope, Assert.Single(_host.Queues.PoisonMessages(RuleQueue(FlakyRule))).Text);
        Assert.All(deliveries, d => Assert.Contains("always unavailable for flaky-1", d.Error, StringComparison.Ordinal));
        Assert.Contains(_host.Logs, l => l.Message.StartsWith("Event flaky-1 failed in always-unavailable (delivery 5)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DuplicateDelivery_OfOneEvent_RunsTheFunctionOnce()
    {
        var envelope = Envelope("dup-1", "inventory", "inventory.reserved", """{"ref": "d1", "total": 5}""");
        await _queues.SendAsync(EventQueues.RouterQueue, envelope);
        await _queues.SendAsync(EventQueues.RouterQueue, envelope); // published twice
        _host.Queues.DropNextAcknowledgements(RuleQueue(RoutingScenario.ChargePaymentRule), 1); // and a lost delete: delivered again

        await _queues.PumpUntilIdleAsync(Patience);

        Assert.Equal(3, _host.Queues.Deliveries.Count(d => d.Queue == RuleQueue(RoutingScenario.ChargePaymentRule) && d.StatusCode == 200));
        var attempt = Assert.Single(await AttemptsAsync());
        Assert.Equal((RoutingScenario.ChargePayment, "d1", "dup-1", RoutingAttempt.Handled), (attempt.Function, attempt.Ref, attempt.EventId, attempt.Outcome));
    }

    private static readonly (string Text, string Reason)[] Malformed =
    [
        ("not json", "is not JSON"),
        ("""["an", "array"]""", "is a JSON object"),
        ("""{"id": "x-1", "hello": "world"}""", "is not an event"),
        ("""{"version": "0", "id": "x-2", "detail-type": "inventory.reserved", "time": "2026-01-01T00:00:00Z", "detail": {}}""", "no string 'source'"),
        ("""{"version": "0", "id": "x-3", "source": "inventory", "detail-type": "inventory.reserved", "time": "2026-01-01T00:00:00Z", "detail": 5}""", "'detail' is not a JSON object"),
        ("""{"specversion": "1.0", "id": "x-4", "type": "inventory.reserved", "data": {}}""", "no 'source'"),
        ("""{"id": "x-5", "topic": "inventory", "subject": "s", "eventType": "inventory.reserved", "eventTime": "2026-01-01T00:00:00Z", "data": "text", "dataVersion": "1"}""", "'data' is String"),
    ];

    [Fact]
    public async Task MalformedMessages_OnTheRouterQueue_PoisonedAtOnceWithTheReasonLogged()
    {
        foreach (var (text, _) in Malformed)
        {
            await _queues.SendAsync(EventQueues.RouterQueue, text);
        }

        await _queues.PumpUntilIdleAsync(Patience);

        Assert.Equal(Malformed.Length, _host.Queues.Deliveries.Count);
        Assert.All(_host.Queues.Deliveries, d => Assert.Equal((1, QueueDeliveryOutcome.Completed), (d.DequeueCount, d.Outcome))); // none retried
        Assert.Equal(
            Malformed.Select(m => m.Text).Order(StringComparer.Ordinal),
            (await _queues.PeekAsync(EventQueues.RouterQueue + EmulatedStorageQueues.PoisonSuffix)).Order(StringComparer.Ordinal));
        foreach (var (_, reason) in Malformed)
        {
            Assert.Contains(_host.Logs, l => l.Message.Contains("is not an event and was moved to its poison queue", StringComparison.Ordinal) && l.Message.Contains(reason, StringComparison.Ordinal));
        }

        Assert.Empty(await AttemptsAsync());
    }

    [Fact]
    public async Task MalformedMessage_OnARuleQueue_PoisonedThereAtOnce()
    {
        var queue = RuleQueue(RoutingScenario.ChargePaymentRule);
        await _queues.SendAsync(queue, """{"specversion": "1.0", "id": "x-6", "source": "inventory", "type": "inventory.reserved", "data": [1, 2]}""");

        await _queues.PumpUntilIdleAsync(Patience);

        Assert.Equal(QueueDeliveryOutcome.Completed, Assert.Single(_host.Queues.Deliveries).Outcome);
        Assert.Single(await _queues.PeekAsync(queue + EmulatedStorageQueues.PoisonSuffix));
        Assert.Empty(await AttemptsAsync());
    }

    [Fact]
    public async Task CloudEventsAndEventGridSchemas_RoutedAsTheNativeEnvelopeIs()
    {
        // The same three events in each shape: a big reservation (two rules), a small one (one rule), a drone shipment (none).
        string[] native =
        [
            Envelope("n-1", "inventory", "inventory.reserved", """{"ref": "n1", "total": 1500}"""),
            Envelope("n-2", "inventory", "inventory.reserved", """{"ref": "n2", "total": 3}"""),
            Envelope("n-3", "shipping", "shipment.created", """{"ref": "n3", "carrier": "drone"}"""),
        ];
        string[] cloudEvents =
        [
            """{"specversion": "1.0", "id": "c-1", "source": "inventory", "type": "inventory.reserved", "time": "2026-11-01T12:00:00Z", "datacontenttype": "application/json", "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "data": {"ref": "c1", "total": 1500}}""",
            """{"specversion": "1.0", "id": "c-2", "source": "inventory", "type": "inventory.reserved", "data_base64": "eyJyZWYiOiAiYzIiLCAidG90YWwiOiAzfQ=="}""",
            """{"specversion": "1.0", "id": "c-3", "source": "shipping", "type": "shipment.created", "subject": "orders/9", "data": {"ref": "c3", "carrier": "drone"}}""",
        ];
        string[] eventGrid =
        [
            """{"id": "g-1", "topic": "inventory", "subject": "orders/1", "eventType": "inventory.reserved", "eventTime": "2026-11-01T12:00:00.1234567Z", "data": {"ref": "g1", "total": 1500}, "dataVersion": "1.0", "metadataVersion": "1"}""",
            """{"id": "g-2", "topic": "inventory", "subject": "orders/2", "eventType": "inventory.reserved", "eventTime": "2026-11-01T12:00:00Z", "data": {"ref": "g2", "total": 3}, "dataVersion": ""}""",
            """{"id": "g-3", "topic": "shipping", "subject": "orders/3", "eventType": "shipment.created", "eventTime": "2026-11-01T12:00:00Z", "data": {"ref": "g3", "carrier": "drone"}, "dataVersion": "1"}""",
        ];
        foreach (var text in native.Concat(cloudEvents).Concat(eventGrid))
        {
            await _queues.SendAsync(EventQueues.RouterQueue, text);
        }

        await _queues.PumpUntilIdleAsync(Patience);

        var handled = Of(await AttemptsAsync(), RoutingAttempt.Handled);
        foreach (var shape in new[] { "n", "c", "g" })
        {
            Assert.Equal(
                [$"{shape}1:{RoutingScenario.BigOrderAudit}", $"{shape}1:{RoutingScenario.ChargePayment}", $"{shape}2:{RoutingScenario.ChargePayment}"],
                handled.Where(h => h.StartsWith(shape, StringComparison.Ordinal)));
        }

        Assert.Empty(await _queues.PeekAsync(EventQueues.RouterQueue + EmulatedStorageQueues.PoisonSuffix));
    }

    [Fact]
    public async Task EventDeliveredStraightToARuleQueue_AsAnEventGridSubscriptionDoes_RunsOnlyWhenTheRuleMatches()
    {
        // Event Grid's filters may let through more than the rule matches (its string comparisons ignore case); the
        // function checks the full pattern before it runs: anything-but "drone" is case-sensitive.
        var queue = RuleQueue(RoutingScenario.NotifyShippingRule);
        await _queues.SendAsync(queue, """{"specversion": "1.0", "id": "s-1", "source": "shipping", "type": "shipment.created", "data": {"ref": "s1", "carrier": "Drone"}}""");
        await _queues.SendAsync(queue, """{"specversion": "1.0", "id": "s-2", "source": "shipping", "type": "shipment.created", "data": {"ref": "s2", "carrier": "drone"}}""");
        await _queues.SendAsync(queue, """{"specversion": "1.0", "id": "s-3", "source": "shipping", "type": "order.placed", "data": {"ref": "s3", "carrier": "ups"}}""");

        await _queues.PumpUntilIdleAsync(Patience);

        Assert.Equal([$"s1:{RoutingScenario.NotifyShipping}"], Of(await AttemptsAsync(), RoutingAttempt.Handled));
        Assert.All(_host.Queues.Deliveries, d => Assert.Equal(QueueDeliveryOutcome.Completed, d.Outcome));
    }

    private static string Envelope(string id, string source, string detailType, string detail) =>
        $$"""{"version": "0", "id": "{{id}}", "detail-type": "{{detailType}}", "source": "{{source}}", "time": "2026-11-01T12:00:00Z", "resources": [], "detail": {{detail}}}""";

    private static List<string> Of(IEnumerable<RoutingAttempt> attempts, string outcome) =>
        [.. attempts.Where(a => a.Outcome == outcome).Select(a => $"{a.Ref}:{a.Function}").Order(StringComparer.Ordinal)];

    private async Task<IReadOnlyList<RoutingAttempt>> AttemptsAsync()
    {
        using var client = _host.CreateClient();
        var text = await client.GetStringAsync("/attempts");
        using var document = JsonDocument.Parse(text);
        return [.. document.RootElement.EnumerateArray().Select(a => new RoutingAttempt(
            a.GetProperty("function").GetString()!, a.GetProperty("ref").GetString()!, a.GetProperty("eventId").GetString()!,
            a.GetProperty("deliveryCount").GetInt32(), a.GetProperty("outcome").GetString()!))];
    }
}
