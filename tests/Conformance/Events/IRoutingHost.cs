using Portable.TestKit;

namespace Portable.Conformance.Events;

/// <summary>
/// A host running the content-based routing scenario (<see cref="RoutingScenario"/>) behind its platform's own event
/// delivery: <c>event-publisher</c> at <c>POST /publish</c>, publishing through the host's event bus, and the three event
/// functions each behind its rule. What an adapter must provide: the publisher's front door, the deliveries driven
/// until the scenario settles, the dead letters read back, and one malformed event delivered as the platform would.
/// </summary>
public interface IRoutingHost : IAsyncDisposable
{
    /// <summary>The host's name in test output.</summary>
    string Name { get; }

    /// <summary>How the bus, the rules and the deliveries are wired on this host, for the test output.</summary>
    string Wiring { get; }

    /// <summary>A client on the publishing function's front door.</summary>
    HttpClient Publisher { get; }

    /// <summary>Drives (or waits for) the platform's deliveries until <paramref name="until"/> is true or <paramref name="patience"/> passes.</summary>
    Task SettleAsync(Func<bool> until, TimeSpan patience);

    /// <summary>What was dead-lettered, as sorted <c>ref:rule</c> with the reason the letter carries.</summary>
    Task<IReadOnlyList<string>> DeadLettersAsync();

    /// <summary>
    /// Delivers a malformed event to one rule's function as the platform delivers events there (a queued rule's where
    /// the host has one), and says what became of it: <c>4xx …</c> on an HTTP-delivered host, <c>dead-lettered: …</c> on a queued one.
    /// </summary>
    Task<string> DeliverMalformedAsync();
}
