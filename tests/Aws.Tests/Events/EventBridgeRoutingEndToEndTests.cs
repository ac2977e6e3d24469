using System.Net;
using System.Text;
using Portable.Aws.Events;
using Portable.Core.Events;
using Portable.Core.Messaging;
using Portable.Emulators.Aws;
using Portable.TestKit;

namespace Portable.Aws.Tests.Events;

/// <summary>
/// Content-based routing on AWS, end to end, with the scenario every host runs (<see cref="RoutingScenario"/>): the
/// publishing function behind API Gateway puts its events on EventBridge with a SigV4-signed <c>PutEvents</c> (the
/// emulator recomputes the signature); rules made from the manifest's event functions route them to a Lambda target
/// (<c>charge-payment</c>, <c>notify-shipping</c>) or to an SQS queue whose event source mapping invokes the function
/// (<c>big-order-audit</c>). Each function is its own Lambda: a Runtime API, a bootstrap loop and a container composed
/// as the Lambda host composes one. The same events reach the same functions as on the local bus, a failed delivery is
/// retried by EventBridge and a poison event is dead-lettered to the rule's <c>-dlq</c> queue.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)] // the bootstrap loops set _X_AMZN_TRACE_ID
public sealed class EventBridgeRoutingEndToEndTests : IAsyncLifetime
{
    private readonly RoutingScenario _scenario = new();
    private EventBridgeRoutingApp _routing = null!;
    private EventBridgeEmulator _bus = null!;
    private SqsEventSourceEmulator _auditQueue = null!;
    private ApiGatewayEmulator _gateway = null!;

    public async Task InitializeAsync()
    {
        _routing = await EventBridgeRoutingApp.StartAsync(_scenario.App, RoutingScenario.PublisherFunction, RoutingScenario.BigOrderAudit);
        (_bus, _auditQueue, _gateway) = (_routing.Bus, _routing.SqsTarget, _routing.Gateway);
    }

    public async Task DisposeAsync() => await _routing.DisposeAsync();

    [Fact]
    public async Task PublishedByALambda_TheRulesRouteEachEventToTheSameFunctionsAsTheLocalBus()
    {
        using var http = new HttpClient();
        using var published = await http.PostAsync(new Uri(_gateway.BaseAddress, "publish"), new StringContent(RoutingScenario.Events, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, published.StatusCode);
        var ids = System.Text.Json.JsonDocument.Parse(await published.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(_bus.Events.Select(e => e.Id), ids); // EventBridge's own ids, in order
        Assert.Equal(7, ids.Count);
        Assert.All(_bus.Authorizations, a => Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={EventBridgeRoutingApp.KeyId}/", a, StringComparison.Ordinal));

        await DrainAsync();

        Assert.Equal(RoutingScenario.ExpectedHandled, _scenario.Handled);
        Assert.Equal(RoutingScenario.ExpectedPoisoned, _scenario.Poisoned);
        Assert.Equal(RoutingScenario.ExpectedFailedOnce, _scenario.Failed);

        // e4 failed at notify-shipping and EventBridge delivered it again, under the same event id.
        var e4 = _scenario.Attempts.Where(a => a.Ref == "e4").ToList();
        Assert.Single(e4.Select(a => a.EventId).Distinct());
        Assert.Equal(
            [EventBridgeDeliveryOutcome.Failed, EventBridgeDeliveryOutcome.Delivered],
            _bus.Deliveries.Where(d => d.EventId == e4[0].EventId).Select(d => d.Outcome));
        Assert.StartsWith(EventTriggerMapper.FailedErrorType, _bus.Deliveries.First(d => d.Outcome == EventBridgeDeliveryOutcome.Failed).Error, StringComparison.Ordinal);

        // e7 was poison for big-order-audit: the function dead-lettered it to audit-big-orders-dlq, and the queue let it go.
        var letter = Assert.Single(_auditQueue.DeadLetters);
        Assert.Equal("e7", PortableEvent.FromEnvelope(Encoding.UTF8.GetBytes(letter.Body)).Detail.GetProperty("ref").GetString());
        Assert.Equal($"e7 is poison for {RoutingScenario.BigOrderAudit}", letter.Attributes[PublishingDeadLetterSink.ReasonAttribute]);
        Assert.Empty(_auditQueue.Messages());

        // Events no rule matched (e5, e6) went nowhere.
        var routed = _bus.Deliveries.Select(d => d.EventId).ToHashSet();
        Assert.Equal(5, routed.Count);
    }

    // Until every expected attempt is made: EventBridge delivers Lambda targets itself; the SQS target's mapping is polled.
    private async Task DrainAsync()
    {
        if (!await _routing.DrainAsync(() => _scenario.IsSettled))
        {
            Assert.Fail($"Not settled. Attempts: {string.Join("; ", _scenario.Attempts)}. Deliveries: {string.Join("; ", _bus.Deliveries)}");
        }
    }
}
