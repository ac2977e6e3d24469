using Microsoft.AspNetCore.Http;
using Portable.Core.Patterns.Orders;
using Portable.Core.State;
using Portable.Hosting;

namespace Portable.Local.Payments;

/// <summary>
/// The local host's simulated payment service under <c>/_local/payments</c>, speaking <see cref="PaymentProtocol"/>:
/// <c>POST /_local/payments/charges</c>, <c>POST /_local/payments/refunds</c> (each with an <c>Idempotency-Key</c>)
/// and <c>GET /_local/payments/{orderId}</c> → <c>{"charged","refunded"}</c> (zeros for an order never charged).
/// It is always a <see cref="SimulatedPaymentService"/> over the host's state store — the one the saga uses when
/// <c>PORTABLE_PAYMENTS_URL</c> is unset — so pointing that setting here sends the saga's payments over real HTTP.
/// </summary>
public sealed class LocalPaymentEndpoints(IStateStore store)
{
    /// <summary>The path prefix the service lives under: its base URL on the local host.</summary>
    public const string Prefix = "/_local/payments";

    private readonly SimulatedPaymentApi _api = new(new SimulatedPaymentService(store));

    /// <summary>Answers the request if it is for the payment service; false leaves it to the functions.</summary>
    public async ValueTask<bool> TryHandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path.Value ?? string.Empty;
        if (!path.StartsWith(Prefix + "/", StringComparison.Ordinal))
        {
            return false;
        }

        var request = await AspNetCoreBridge.ReadRequestAsync(context, SimulatedPaymentApi.MaxBodyBytes, path[Prefix.Length..]).ConfigureAwait(false);
        var response = await _api.HandleAsync(request, context.RequestAborted).ConfigureAwait(false);
        await AspNetCoreBridge.WriteResponseAsync(context, response).ConfigureAwait(false);
        return true;
    }
}
