using Portable.Core.Patterns.Orders;

namespace Portable.Compare.Sagas;

/// <summary>
/// A host running the orders app (<c>inventory-api</c>, <c>orders-api</c> and the saga behind them), however the saga
/// runs there: what driving an order over HTTP and reading what it did needs.
/// </summary>
public interface IOrderHost : IAsyncDisposable
{
    /// <summary>The host's name in output.</summary>
    string Name { get; }

    /// <summary>How the functions, the queue or bus and the store are wired on this host, for output.</summary>
    string Wiring { get; }

    /// <summary>A client on <c>inventory-api</c>'s front door.</summary>
    HttpClient Inventory { get; }

    /// <summary>A client on <c>orders-api</c>'s front door.</summary>
    HttpClient Orders { get; }

    /// <summary>Everything the host's processes wrote, for a failure message.</summary>
    string Output { get; }

    /// <summary>
    /// The simulated payment service's record of <paramref name="orderId"/>, read from the state store the host's
    /// functions use (or, where the host serves it, its payment API, whose answer has no idempotency keys).
    /// </summary>
    /// <param name="orderId">The order.</param>
    Task<PaymentRecord> PaymentAsync(string orderId);

    /// <summary>Throws when the host can no longer deliver (its delivery loop failed, its process died), so waits end with the reason.</summary>
    void ThrowIfBroken();
}
