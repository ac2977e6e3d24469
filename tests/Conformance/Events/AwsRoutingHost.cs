using System.Text;
using Portable.Aws.Tests.Events;
using Portable.Core.Events;
using Portable.Core.Messaging;
using Portable.TestKit;

namespace Portable.Conformance.Events;

/// <summary>
/// AWS, as <c>Aws.Tests</c>' EventBridge routing test wires it (<see cref="EventBridgeRoutingApp"/>): the publisher
/// as a Lambda behind API Gateway putting its events with a SigV4-signed <c>PutEvents</c>; one EventBridge rule per
/// event function, <c>charge-payment</c> and <c>notify-shipping</c> as Lambda targets (EventBridge retries a failed
/// asynchronous invocation), <c>big-order-audit</c> behind an SQS target queue named after its rule, with its event
/// source mapping and <c>{rule}-dlq</c>. Queued there: a malformed event is an SQS message on that queue that is no
/// EventBridge event, and must be dead-lettered.
/// </summary>
internal sealed class AwsRoutingHost : IRoutingHost
{
    private readonly EventBridgeRoutingApp _routing;

    private AwsRoutingHost(EventBridgeRoutingApp routing)
    {
        _routing = routing;
        Publisher = new HttpClient { BaseAddress = routing.Gateway.BaseAddress };
    }

    public string Name => "aws";

    public string Wiring => $"EventBridge PutEvents (SigV4) from the publisher Lambda behind API Gateway; rules to Lambda targets, {RoutingScenario.BigOrderAudit} behind the SQS target {RoutingScenario.BigOrderAuditRule} (dead letters to {RoutingScenario.BigOrderAuditRule}-dlq)";

    public HttpClient Publisher { get; }

    public static async Task<IRoutingHost> StartAsync(RoutingScenario scenario) =>
        new AwsRoutingHost(await EventBridgeRoutingApp.StartAsync(scenario.App, RoutingScenario.PublisherFunction, RoutingScenario.BigOrderAudit));

    public async Task SettleAsync(Func<bool> until, TimeSpan patience)
    {
        if (!await _routing.DrainAsync(until))
        {
            throw new OperationCanceledException($"not settled; deliveries: {string.Join("; ", _routing.Bus.Deliveries)}");
        }
    }

    public Task<IReadOnlyList<string>> DeadLettersAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. _routing.SqsTarget.DeadLetters
            .Select(l => $"{Ref(l.Body)}:{RoutingScenario.BigOrderAuditRule}: {l.Attributes.GetValueOrDefault(PublishingDeadLetterSink.ReasonAttribute)}")
            .Order(StringComparer.Ordinal)]);

    public async Task<string> DeliverMalformedAsync()
    {
        var before = _routing.SqsTarget.DeadLetters.Count;
        _routing.SqsTarget.Send("""{"detail-type": "order.placed"}""");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (_routing.SqsTarget.DeadLetters.Count == before)
        {
            var poll = await _routing.SqsTarget.PollOnceAsync(deadline.Token);
            if (poll.Invocation is null)
            {
                await Task.Delay(50, deadline.Token);
            }
        }

        return $"dead-lettered: {_routing.SqsTarget.DeadLetters[^1].Attributes.GetValueOrDefault(PublishingDeadLetterSink.ReasonAttribute)}";
    }

    public async ValueTask DisposeAsync()
    {
        Publisher.Dispose();
        await _routing.DisposeAsync();
    }

    private static string Ref(string body)
    {
        try
        {
            return PortableEvent.FromEnvelope(Encoding.UTF8.GetBytes(body)).Detail.GetProperty("ref").GetString() ?? "?";
        }
        catch (FormatException)
        {
            return "malformed";
        }
    }
}
