namespace Portable.Core.Patterns.Orders;

/// <summary>
/// The HTTP contract between the order saga and a payment service, relative to a base URL (the value of
/// <see cref="HttpPaymentService.UrlVariable"/>; the local host serves it at <c>/_local/payments</c>):
/// <list type="bullet">
/// <item><c>POST {base}/charges</c> with <c>{"orderId","amount","card"}</c> and an <c>Idempotency-Key</c> header →
/// <c>200 {"status":"charged"}</c>, or <c>402 {"status":"declined","reason"}</c> when the card is refused.</item>
/// <item><c>POST {base}/refunds</c> with <c>{"orderId"}</c> and an <c>Idempotency-Key</c> header → <c>200
/// {"status":"refunded"}</c> (also when nothing was charged: nothing is then owed), or <c>402</c> as above.</item>
/// <item><c>GET {base}/{orderId}</c> → <c>200 {"charged","refunded"}</c>, zeros for an order never charged.</item>
/// </list>
/// A charge or refund repeated under the same key takes effect once and answers as the first did, so a caller retries
/// with the same key after any failure. <c>408</c>, <c>409</c> (a call under the same key still in flight, as Stripe
/// answers), <c>429</c> and <c>5xx</c> ask to try again (honouring <c>Retry-After</c>); any other <c>4xx</c> is a
/// request the service will never accept (<c>{"error","details"}</c>, the project's error shape).
/// </summary>
public static class PaymentProtocol
{
    /// <summary>The header carrying the idempotency key of a charge or refund.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The path, under the base URL, that charges are posted to.</summary>
    public const string ChargesPath = "charges";

    /// <summary>The path, under the base URL, that refunds are posted to.</summary>
    public const string RefundsPath = "refunds";

    /// <summary>The status of an accepted charge.</summary>
    public const string Charged = "charged";

    /// <summary>The status of an accepted refund.</summary>
    public const string Refunded = "refunded";

    /// <summary>The status of a refused charge or refund (with HTTP 402 Payment Required).</summary>
    public const string Declined = "declined";
}
