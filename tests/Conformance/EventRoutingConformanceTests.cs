using Portable.Conformance.Events;
using Portable.TestKit;
using Xunit.Abstractions;

namespace Portable.Conformance;

/// <summary>
/// Issue 11's "routing rules deliver the same events to the same functions everywhere", with the scenario every host
/// runs (<see cref="RoutingScenario"/>): the publishing function publishes seven events through the host's bus; each
/// rule's function must handle exactly the events its EventBridge pattern matches (exact, numeric, prefix,
/// anything-but), the transient failure must be retried, the poison event dead-lettered with its reason, and a
/// malformed event answered with a 4xx where events arrive over HTTP or dead-lettered where they are queued — one
/// transcript, <see cref="ExpectedTranscript"/>, on every host. Each host is its own class below, so they run at once.
/// A host joins with an <see cref="IRoutingHost"/> adapter and a class here.
/// </summary>
public abstract class EventRoutingConformanceTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly RoutingScenario _scenario = new();
    private readonly ITestOutputHelper _output;
    private IRoutingHost _host = null!;

    protected EventRoutingConformanceTests(ITestOutputHelper output) => _output = output;

    /// <summary>What every host must end with; the malformed line is the host's delivery kind's (see <see cref="IRoutingHost.DeliverMalformedAsync"/>).</summary>
    public static IReadOnlyList<string> ExpectedTranscript { get; } =
    [
        .. RoutingScenario.ExpectedHandled.Select(h => "handled " + h),
        .. RoutingScenario.ExpectedFailedOnce.Select(f => "failed once, then retried " + f),
        .. RoutingScenario.ExpectedPoisoned.Select(p => "poisoned " + p),
        $"dead letter e7:{RoutingScenario.BigOrderAuditRule}: e7 is poison for {RoutingScenario.BigOrderAudit}",
    ];

    /// <summary>What the host's delivery does with a malformed event: a status line or a dead letter.</summary>
    protected abstract Func<string, bool> MalformedAnswerIsRight { get; }

    /// <summary>Starts the host for <paramref name="scenario"/>.</summary>
    protected abstract Task<IRoutingHost> StartAsync(RoutingScenario scenario);

    public async Task InitializeAsync() => _host = await StartAsync(_scenario);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task PublishedEvents_ReachTheSameFunctionsAsEverywhere_RetriedAndDeadLetteredAlike_AMalformedEventRefused()
    {
        using var published = await _host.Publisher.PostAsync(new Uri("/publish", UriKind.Relative), new StringContent(RoutingScenario.Events, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, published.StatusCode);

        try
        {
            await _host.SettleAsync(() => _scenario.IsSettled, Patience);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"[{_host.Name}] not settled after {Patience.TotalSeconds:0} s. Attempts: {string.Join("; ", _scenario.Attempts)}");
        }

        _output.WriteLine($"{_host.Name}: {_host.Wiring}");
        var transcript = new List<string>();
        transcript.AddRange(_scenario.Handled.Select(h => "handled " + h));
        transcript.AddRange(_scenario.Failed.Select(f => "failed once, then retried " + f));
        transcript.AddRange(_scenario.Poisoned.Select(p => "poisoned " + p));
        transcript.AddRange((await _host.DeadLettersAsync()).Select(d => "dead letter " + d));
        foreach (var line in transcript)
        {
            _output.WriteLine("  " + line);
        }

        if (ItemsScenario.Diff("the routed events", ExpectedTranscript, _host.Name, transcript) is { } difference)
        {
            Assert.Fail(difference);
        }

        // The retried event kept its id: one event, delivered twice to the one function.
        var e4 = _scenario.Attempts.Where(a => a.Ref == "e4").ToList();
        Assert.Single(e4.Select(a => a.EventId).Distinct());

        var before = _scenario.Attempts.Count;
        var malformed = await _host.DeliverMalformedAsync();
        _output.WriteLine($"  malformed event: {malformed}");
        Assert.True(MalformedAnswerIsRight(malformed), $"[{_host.Name}] a malformed event: {malformed}");
        Assert.Equal(before, _scenario.Attempts.Count); // no handler ran for it
    }
}

/// <summary>The local host's own event bus: SQLite queues per rule; queued, so a malformed event is dead-lettered.</summary>
public sealed class LocalEventRoutingConformanceTests(ITestOutputHelper output) : EventRoutingConformanceTests(output)
{
    protected override Func<string, bool> MalformedAnswerIsRight => a => a.StartsWith("dead-lettered: Not an EventBridge event", StringComparison.Ordinal);

    protected override Task<IRoutingHost> StartAsync(RoutingScenario scenario) => LocalRoutingHost.StartAsync(scenario);
}

/// <summary>Google: Pub/Sub events topic, one Eventarc-shaped push subscription per rule to Cloud Run; HTTP-delivered, so a malformed event gets a 4xx.</summary>
public sealed class GcpEventRoutingConformanceTests(ITestOutputHelper output) : EventRoutingConformanceTests(output)
{
    protected override Func<string, bool> MalformedAnswerIsRight => a => a.StartsWith('4');

    protected override Task<IRoutingHost> StartAsync(RoutingScenario scenario) => GcpRoutingHost.StartAsync(scenario);
}

/// <summary>AWS: EventBridge rules to Lambda targets and an SQS target; the SQS-queued rule dead-letters a malformed event.</summary>
[Collection(AwsRoutingCollection.Name)] // the bootstrap loops set _X_AMZN_TRACE_ID in this process
public sealed class AwsEventRoutingConformanceTests(ITestOutputHelper output) : EventRoutingConformanceTests(output)
{
    protected override Func<string, bool> MalformedAnswerIsRight => a => a.StartsWith("dead-lettered: Not an EventBridge event", StringComparison.Ordinal);

    protected override Task<IRoutingHost> StartAsync(RoutingScenario scenario) => AwsRoutingHost.StartAsync(scenario);
}

/// <summary>The tests that run Lambda bootstrap loops in this process, one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class AwsRoutingCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "in-process Lambda bootstrap loops";
}

/// <summary>
/// Azure: tests/AzureEventsApp's isolated worker under the Functions host emulator, events on the Storage queue
/// portable-events, the router forwarding to one queue per rule, each event function its queue trigger (Azurite);
/// queued, so a malformed event on a rule queue is dead-lettered (poisoned at once, its reason logged).
/// </summary>
public sealed class AzureEventRoutingConformanceTests(ITestOutputHelper output) : EventRoutingConformanceTests(output)
{
    protected override Func<string, bool> MalformedAnswerIsRight => a =>
        a.StartsWith("dead-lettered: ", StringComparison.Ordinal)
        && a.Contains("is not an event and was moved to its poison queue", StringComparison.Ordinal)
        && a.EndsWith("(dequeue 1, Completed)", StringComparison.Ordinal);

    protected override Task<IRoutingHost> StartAsync(RoutingScenario scenario) => AzureRoutingHost.StartAsync(scenario);
}
