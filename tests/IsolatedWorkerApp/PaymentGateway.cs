using System.Collections.Concurrent;

namespace Portable.IsolatedWorkerApp;

/// <summary>
/// A stand-in payment provider (a singleton service, as a real client would be): it declines an order's first
/// <see cref="OrderRequest.Declines"/> charge attempts with a <see cref="TimeoutException"/>, then accepts. Attempts
/// are counted per order id, so orders never affect each other.
/// </summary>
public sealed class PaymentGateway
{
    private readonly ConcurrentDictionary<string, int> attempts = new(StringComparer.Ordinal);

    /// <summary>Charges <paramref name="order"/>, or throws while it still declines.</summary>
    /// <exception cref="TimeoutException">The gateway declined this attempt.</exception>
    public ChargeReceipt Charge(OrderRequest order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var attempt = attempts.AddOrUpdate(order.Id, 1, (_, n) => n + 1);
        if (attempt <= order.Declines)
        {
            throw new TimeoutException($"gateway timeout on attempt {attempt} for {order.Id}");
        }

        return new ChargeReceipt(order.Id, order.Amount);
    }
}
