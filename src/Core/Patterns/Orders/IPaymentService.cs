namespace Portable.Core.Patterns.Orders;

/// <summary>
/// The payment service the order saga charges and refunds through, each call carrying an idempotency key (one per
/// order and step) so a retried call never moves money twice. A service that does not answer in time throws
/// <see cref="Resilience.TransientException"/>, which the saga retries per the step's policy.
/// </summary>
public interface IPaymentService
{
    /// <summary>Charges <paramref name="amount"/> to <paramref name="card"/> for <paramref name="orderId"/>.</summary>
    ValueTask<PaymentResult> ChargeAsync(string orderId, decimal amount, string card, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Refunds what was charged for <paramref name="orderId"/> (nothing when nothing was).</summary>
    ValueTask<PaymentResult> RefundAsync(string orderId, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>What was charged and refunded for <paramref name="orderId"/>.</summary>
    ValueTask<PaymentRecord> GetAsync(string orderId, CancellationToken cancellationToken);
}
