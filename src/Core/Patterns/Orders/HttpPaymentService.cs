using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Portable.Core.Resilience;

namespace Portable.Core.Patterns.Orders;

/// <summary>
/// A payment service reached over HTTP (<see cref="PaymentProtocol"/>), each call through a resilience pipeline:
/// per-attempt and total timeouts, retries of connection failures and of 408, 409, 429 and 5xx answers (the same
/// idempotency key on every attempt, so a retried charge never charges twice), a circuit breaker. A call the service
/// never answered in time, or that still failed when the retries ran out, throws <see cref="TransientException"/>,
/// which the saga step retries per its own policy; a <c>402</c> (or any other <c>4xx</c>) is
/// <see cref="PaymentResult.Refused"/>, which the saga compensates.
/// </summary>
public sealed class HttpPaymentService : IPaymentService
{
    /// <summary>The setting that selects this service: the payment service's base URL (absolute http or https).</summary>
    public const string UrlVariable = "PORTABLE_PAYMENTS_URL";

    /// <summary>The resilience pipeline the calls go through (adjust it with <c>AddPortableResilience(b => b.AddPipeline("payments", …))</c>).</summary>
    public const string PipelineName = "payments";

    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json");

    private readonly HttpClient _http;
    private readonly Uri _baseAddress;
    private readonly ResiliencePipeline _pipeline;
    private readonly TimeProvider _timeProvider;

    /// <summary>Calls the service at <paramref name="baseAddress"/> through <paramref name="http"/> (not disposed here) and <paramref name="pipeline"/>.</summary>
    /// <param name="http">The client; its own timeout should be infinite, the pipeline's timeouts being the ones that count.</param>
    /// <param name="baseAddress">The service's base URL, absolute http or https; the paths of <see cref="PaymentProtocol"/> go under it.</param>
    /// <param name="pipeline">The resilience pipeline (see <see cref="ConfigureDefaults"/>).</param>
    /// <param name="timeProvider">The clock, to read a <c>Retry-After</c> given as a date.</param>
    public HttpPaymentService(HttpClient http, Uri baseAddress, ResiliencePipeline pipeline, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (!baseAddress.IsAbsoluteUri || (baseAddress.Scheme != Uri.UriSchemeHttp && baseAddress.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The payment service's address must be an absolute http:// or https:// URL, not '{baseAddress}'.", nameof(baseAddress));
        }

        _http = http;
        _baseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        _pipeline = pipeline;
        _timeProvider = timeProvider;
    }

    /// <summary>The base URL the paths go under, with a trailing slash.</summary>
    public Uri BaseAddress => _baseAddress;

    /// <summary>
    /// The pipeline's defaults, sized to fit inside the charge and refund steps' 10 s timeout
    /// (<see cref="OrderSaga.Definition"/>) so that the pipeline, not the step, gives up first and reports a transient
    /// failure: 8 s in all, 3 s per attempt, 2 retries after 200 ms and 400 ms (with jitter), no wait over 2 s.
    /// The circuit breaker keeps Polly's defaults.
    /// </summary>
    public static void ConfigureDefaults(ResilienceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Timeout = TimeSpan.FromSeconds(8);
        options.AttemptTimeout = TimeSpan.FromSeconds(3);
        options.MaxRetryAttempts = 2;
        options.BaseDelay = TimeSpan.FromMilliseconds(200);
        options.MaxDelay = TimeSpan.FromSeconds(2);
    }

    /// <summary>
    /// A client for the service: connections recycled every 2 minutes so a DNS change is picked up (the advice for a
    /// long-lived HttpClient), a 2 s connect timeout, and no timeout of its own (the pipeline's apply).
    /// </summary>
    public static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), ConnectTimeout = TimeSpan.FromSeconds(2) })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };

    /// <inheritdoc />
    public ValueTask<PaymentResult> ChargeAsync(string orderId, decimal amount, string card, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(orderId);
        ArgumentException.ThrowIfNullOrEmpty(card);
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        var body = Serialize(new PaymentCharge(orderId, amount, card), OrdersJsonContext.Default.PaymentCharge);
        return PostAsync(PaymentProtocol.ChargesPath, body, idempotencyKey, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<PaymentResult> RefundAsync(string orderId, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(orderId);
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        var body = Serialize(new PaymentRefund(orderId), OrdersJsonContext.Default.PaymentRefund);
        return PostAsync(PaymentProtocol.RefundsPath, body, idempotencyKey, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>A <c>404</c> reads as nothing charged, as zeros do.</remarks>
    public ValueTask<PaymentRecord> GetAsync(string orderId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(orderId);
        var uri = new Uri(_baseAddress, Uri.EscapeDataString(orderId));
        return RunAsync(
            static async (s, ct) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, s.Uri);
                using var response = await s.Self._http.SendAsync(request, ct).ConfigureAwait(false);
                s.Self.ThrowIfRetryable(response, "GET");
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    return PaymentRecord.None;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpRequestException($"The payment service answered {(int)response.StatusCode} to GET {s.Uri}.", null, response.StatusCode);
                }

                var totals = await ReadAsync(response, OrdersJsonContext.Default.PaymentTotals, ct).ConfigureAwait(false)
                    ?? throw new JsonException($"The payment service answered GET {s.Uri} with no payment totals.");
                return new PaymentRecord(totals.Charged, totals.Refunded, []);
            },
            (Self: this, Uri: uri),
            "GET",
            cancellationToken);
    }

    private ValueTask<PaymentResult> PostAsync(string path, byte[] body, string idempotencyKey, CancellationToken cancellationToken) =>
        RunAsync(
            static async (s, ct) =>
            {
                // A new request per attempt (a request message is sent once), with the same key and body every time.
                using var request = new HttpRequestMessage(HttpMethod.Post, s.Uri) { Content = new ByteArrayContent(s.Body) };
                request.Content.Headers.ContentType = JsonMediaType;
                request.Headers.Add(PaymentProtocol.IdempotencyKeyHeader, s.Key);
                using var response = await s.Self._http.SendAsync(request, ct).ConfigureAwait(false);
                s.Self.ThrowIfRetryable(response, "POST " + s.Path);
                if (response.IsSuccessStatusCode)
                {
                    return PaymentResult.Done;
                }

                var reason = await ReasonAsync(response, ct).ConfigureAwait(false);
                return response.StatusCode == HttpStatusCode.PaymentRequired
                    ? PaymentResult.Refused(reason ?? PaymentProtocol.Declined)
                    : PaymentResult.Refused($"the payment service refused the request ({(int)response.StatusCode}{(reason is null ? string.Empty : ": " + reason)})");
            },
            (Self: this, Uri: new Uri(_baseAddress, path), Path: path, Body: body, Key: idempotencyKey),
            "POST " + path,
            cancellationToken);

    // The pipeline's own faults, after its retries, become the saga's transient failure; the caller's cancellation
    // (the step's timeout among them) and permanent faults pass as they are.
    private async ValueTask<TResult> RunAsync<TResult, TState>(Func<TState, CancellationToken, ValueTask<TResult>> call, TState state, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(call, state, cancellationToken).ConfigureAwait(false);
        }
        catch (TransientException)
        {
            throw;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (ex is BrokenCircuitException || TransientFaults.IsTransient(ex, cancellationToken)))
        {
            throw ex switch
            {
                TimeoutRejectedException timeout => new TransientException($"The payment service did not answer {what} within {timeout.Timeout.TotalSeconds:0.###} s.", ex),
                BrokenCircuitException open => new TransientException($"The payment service's circuit is open after repeated failures; {what} was not sent.", open.RetryAfter, ex),
                _ => new TransientException($"The payment service could not be reached for {what}: {ex.Message}", ex),
            };
        }
    }

    private void ThrowIfRetryable(HttpResponseMessage response, string what)
    {
        var status = response.StatusCode;
        if (TransientFaults.IsTransientStatus(status) || status == HttpStatusCode.Conflict)
        {
            throw new TransientException($"The payment service answered {(int)status} to {what}.", RetryAfter(response.Headers.RetryAfter));
        }
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - _timeProvider.GetUtcNow(),
        _ => null,
    };

    // The 402's "reason", or the "error" of the project's error shape; null when the body has neither.
    private static async ValueTask<string?> ReasonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(body);
            foreach (var name in (ReadOnlySpan<string>)["reason", "error"])
            {
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty(name, out var value)
                    && value.ValueKind == JsonValueKind.String
                    && !string.IsNullOrWhiteSpace(value.GetString()))
                {
                    return value.GetString();
                }
            }

            return null;
        }
        catch (JsonException)
        {
            return null; // a refusal without a readable reason is still a refusal
        }
    }

    private static async ValueTask<T?> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonSerializer.DeserializeAsync(stream, typeInfo, cancellationToken).ConfigureAwait(false);
        }
    }

    private static byte[] Serialize<T>(T value, JsonTypeInfo<T> typeInfo) => JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
}
