using Portable.Core.Http;
using Portable.Core.Resilience;

namespace Portable.Core.Patterns.Orders;

/// <summary>
/// The simulated payment service over HTTP: <see cref="PaymentProtocol"/> served in front of a
/// <see cref="SimulatedPaymentService"/>, as the local host serves it under <c>/_local/payments</c>. The card that
/// never answers in time (<see cref="SimulatedPaymentService.TimeoutCard"/>) is answered at once with
/// <c>504 Gateway Timeout</c> rather than held open, so walking that path costs no wall-clock time; a caller treats it
/// as any 5xx (retried, then transient). <c>GET</c> of an order never charged answers zeros, not 404: "nothing
/// charged" is the true answer for it.
/// </summary>
public sealed class SimulatedPaymentApi(SimulatedPaymentService payments)
{
    /// <summary>The largest request body accepted; a charge is well under 1 KiB.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    /// <summary>The longest idempotency key accepted (Stripe's limit).</summary>
    public const int MaxKeyLength = 255;

    /// <summary>
    /// Answers <paramref name="request"/>, whose <see cref="PortableHttpRequest.Path"/> is relative to the service's
    /// base: <c>/charges</c>, <c>/refunds</c> or <c>/{orderId}</c> (already unescaped).
    /// </summary>
    public async ValueTask<PortableHttpResponse> HandleAsync(PortableHttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var segments = request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return (request.Method, segments) switch
        {
            ("POST", [PaymentProtocol.ChargesPath]) => await ChargeAsync(request, cancellationToken).ConfigureAwait(false),
            ("POST", [PaymentProtocol.RefundsPath]) => await RefundAsync(request, cancellationToken).ConfigureAwait(false),
            ("GET", [var orderId]) => await TotalsAsync(orderId, cancellationToken).ConfigureAwait(false),
            (_, [PaymentProtocol.ChargesPath or PaymentProtocol.RefundsPath]) => PortableHttpResponse.Error(405, $"Method {request.Method} is not allowed on {request.Path}: POST a charge or refund."),
            (_, [_]) => PortableHttpResponse.Error(405, $"Method {request.Method} is not allowed on {request.Path}: GET an order's payments."),
            _ => PortableHttpResponse.Error(404, $"No payment operation at {request.Path}: POST /charges, POST /refunds or GET /{{orderId}}."),
        };
    }

    private async ValueTask<PortableHttpResponse> ChargeAsync(PortableHttpRequest request, CancellationToken cancellationToken)
    {
        if (!TryRead(request, requireCharge: true, out var orderId, out var amount, out var card, out var key, out var error))
        {
            return error;
        }

        PaymentResult result;
        try
        {
            result = await payments.ChargeAsync(orderId, amount, card, key, cancellationToken).ConfigureAwait(false);
        }
        catch (TransientException ex)
        {
            return PortableHttpResponse.Error(504, ex.Message);
        }

        return Answer(result, PaymentProtocol.Charged);
    }

    private async ValueTask<PortableHttpResponse> RefundAsync(PortableHttpRequest request, CancellationToken cancellationToken)
    {
        if (!TryRead(request, requireCharge: false, out var orderId, out _, out _, out var key, out var error))
        {
            return error;
        }

        return Answer(await payments.RefundAsync(orderId, key, cancellationToken).ConfigureAwait(false), PaymentProtocol.Refunded);
    }

    private async ValueTask<PortableHttpResponse> TotalsAsync(string orderId, CancellationToken cancellationToken)
    {
        var record = await payments.GetAsync(orderId, cancellationToken).ConfigureAwait(false);
        return PortableHttpResponse.Json(200, new PaymentTotals(record.Charged, record.Refunded), OrdersJsonContext.Default.PaymentTotals);
    }

    private static PortableHttpResponse Answer(PaymentResult result, string acceptedStatus) =>
        result.Accepted
            ? PortableHttpResponse.Json(200, new PaymentAnswer(acceptedStatus), OrdersJsonContext.Default.PaymentAnswer)
            : PortableHttpResponse.Json(402, new PaymentAnswer(PaymentProtocol.Declined, result.Reason), OrdersJsonContext.Default.PaymentAnswer);

    // The body's fields and the Idempotency-Key header, each bad one named in a 400 (the project's error shape).
    private static bool TryRead(PortableHttpRequest request, bool requireCharge, out string orderId, out decimal amount, out string card, out string key, out PortableHttpResponse error)
    {
        orderId = card = key = string.Empty;
        amount = 0;
        if (request.Body.Length > MaxBodyBytes)
        {
            error = PortableHttpResponse.Error(413, $"A payment request may be at most {MaxBodyBytes} bytes.");
            return false;
        }

        if (!JsonRequestBody.TryParse(request, out var document, out error))
        {
            return false;
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        using (document)
        {
            var body = document.RootElement;
            if (body.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                errors["body"] = "must be a JSON object";
            }
            else
            {
                orderId = JsonFields.ReadString(body, "orderId", "orderId", errors) ?? string.Empty;
                if (requireCharge)
                {
                    amount = JsonFields.ReadPrice(body, "amount", errors);
                    card = JsonFields.ReadString(body, "card", "card", errors, maxLength: 19) ?? string.Empty;
                }
            }
        }

        var header = request.Headers[PaymentProtocol.IdempotencyKeyHeader];
        if (string.IsNullOrWhiteSpace(header) || header.Length > MaxKeyLength)
        {
            errors[PaymentProtocol.IdempotencyKeyHeader] = $"is required: 1 to {MaxKeyLength} characters, the same on every retry of one call";
        }
        else
        {
            key = header;
        }

        if (errors.Count > 0)
        {
            error = PortableHttpResponse.Error(400, requireCharge ? "The charge is invalid." : "The refund is invalid.", errors);
            return false;
        }

        return true;
    }
}
