using Portable.Azure.Events;
using Portable.Emulators.Azure;
using Portable.Emulators.Azure.Isolated;
using Portable.TestKit;

namespace Portable.Azure.Tests.Events;

/// <summary>
/// The routing app with no storage account (no <c>AzureWebJobsStorage</c>): the worker still starts and serves, and an
/// event the router cannot forward fails its invocation, so the host's rules retry it and finally poison it — never lost.
/// </summary>
public sealed class EventRoutingWithoutStorageTests
{
    private static string AppDirectory => Path.GetDirectoryName(RepoPaths.BuildOutput("tests/AzureEventsApp", "worker.config.json"))!;

    [Fact]
    public async Task RoutedEvent_WithoutAStorageAccount_RetriedByTheHostThenPoisoned()
    {
        await using var host = await IsolatedFunctionsHost.StartAsync(new IsolatedFunctionsHostOptions { AppDirectory = AppDirectory, StartupTimeout = TimeSpan.FromSeconds(90) });
        const string envelope = """{"version": "0", "id": "ns-1", "detail-type": "inventory.reserved", "source": "inventory", "time": "2026-11-01T12:00:00Z", "detail": {"ref": "ns1"}}""";
        host.Queues.Enqueue(EventQueues.RouterQueue, envelope);

        var deliveries = await host.Queues.DeliverVisibleAsync();

        Assert.Equal([1, 2, 3, 4, 5], deliveries.Select(d => d.DequeueCount));
        Assert.Equal(QueueDeliveryOutcome.Poisoned, deliveries[^1].Outcome);
        Assert.Contains("set AzureWebJobsStorage", deliveries[0].Error, StringComparison.Ordinal);
        Assert.Equal(envelope, Assert.Single(host.Queues.PoisonMessages(EventQueues.RouterQueue)).Text);
    }
}
