using Portable.Core.Patterns.Orders;

namespace Portable.Conformance.Sagas;

/// <summary>
/// A host running the order saga through Portable's queue-driven coordinator (<c>order-saga-coordinator</c> on the
/// queue <c>order-saga</c>), each function behind its platform's real protocol, with the platform's delivery running
/// in the background: the coordinator publishes every next step itself.
/// </summary>
public interface IOrderSagaHost : IAsyncDisposable
{
    /// <summary>The host's name in test output.</summary>
    string Name { get; }

    /// <summary>How the functions, the queue and the store are wired on this host, for the test output.</summary>
    string Wiring { get; }

    /// <summary>A client on <c>inventory-api</c>'s front door.</summary>
    HttpClient Inventory { get; }

    /// <summary>A client on <c>orders-api</c>'s front door.</summary>
    HttpClient Orders { get; }

    /// <summary>Everything the host's processes wrote, for a failure message.</summary>
    string Output { get; }

    /// <summary>Puts <paramref name="request"/> (a step request's JSON) on <c>order-saga</c> as the coordinator publishes it there.</summary>
    Task PublishStepAsync(string request);

    /// <summary>True when <c>order-saga</c> holds nothing, waiting or being delivered.</summary>
    Task<bool> IsQueueIdleAsync();

    /// <summary>How many step requests were dead-lettered (by the coordinator or by the platform).</summary>
    Task<int> DeadLetterCountAsync();

    /// <summary>The simulated payment service's record of <paramref name="orderId"/>, read from the state store the host's functions use.</summary>
    Task<PaymentRecord> PaymentAsync(string orderId);

    /// <summary>Throws when the host can no longer deliver (its delivery loop failed, its process died), so waits end with the reason.</summary>
    void ThrowIfBroken();
}
