using System.Text;
using Portable.Core.Functions;
using Portable.Core.Http;

namespace Portable.Core.Idempotency;

/// <summary>
/// Makes <c>POST</c> with an <c>Idempotency-Key</c> header safe to retry: the first request under a key runs,
/// later ones with the same method, path and body (a JSON body compared by meaning: see
/// <see cref="IdempotencyRecords.PayloadHash"/>) replay its response (status, body, <c>Location</c>,
/// <c>ETag</c>) without running the handler; the same key with a different request is a 422; a retry while
/// the first attempt is still running is a 409 with <c>Retry-After</c>. A 5xx outcome is not kept, so the
/// client can try again.
/// </summary>
public sealed class HttpIdempotencyMiddleware(IdempotencyRecords records) : IFunctionMiddleware
{
    /// <summary>The request header clients send.</summary>
    public const string HeaderName = "Idempotency-Key";

    /// <summary>The response header set on a replayed response.</summary>
    public const string ReplayedHeaderName = "Idempotent-Replayed";

    private static readonly string[] ReplayedHeaders = ["Content-Type", "Location", "ETag"];

    private static readonly HeaderMap RetryAfterOne = HeaderMap.From([new("Retry-After", "1")]);

    /// <summary>True for the invocations this middleware applies to: HTTP POST carrying the header.</summary>
    public static bool AppliesTo(FunctionContext context) =>
        context?.Input is PortableHttpRequest { Method: "POST" } request && request.Headers.Contains(HeaderName);

    /// <inheritdoc />
    public async ValueTask InvokeAsync(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var request = (PortableHttpRequest)context.Input;
        var key = request.Headers[HeaderName]!.Trim();
        if (key.Length is 0 or > 255)
        {
            context.Result = PortableHttpResponse.Error(400, $"The {HeaderName} header must be 1 to 255 characters.");
            return;
        }

        var recordKey = $"{context.FunctionName}:http:{key}";
        var prefix = Encoding.UTF8.GetBytes($"{request.Method} {request.Path}\n");
        var hash = IdempotencyRecords.PayloadHash(request.Body.Span, prefix);
        var (claim, existing) = await records.TryClaimAsync(recordKey, hash, context.Deadline, context.CancellationToken).ConfigureAwait(false);
        if (claim is null)
        {
            context.Result = Answer(existing, hash, request.Body.Span, prefix);
            return;
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch
        {
            await records.ReleaseAsync(recordKey, claim).ConfigureAwait(false);
            throw;
        }

        if (context.Result is not PortableHttpResponse response || response.StatusCode >= 500)
        {
            await records.ReleaseAsync(recordKey, claim).ConfigureAwait(false);
            return;
        }

        await records.CompleteAsync(recordKey, claim, new IdempotencyRecord
        {
            State = IdempotencyRecord.Completed,
            RequestHash = hash,
            StatusCode = response.StatusCode,
            Headers = ReplayedHeaders.Where(response.Headers.Contains).ToDictionary(h => h, h => response.Headers[h]!, StringComparer.OrdinalIgnoreCase),
            Body = Convert.ToBase64String(response.Body.Span),
        }).ConfigureAwait(false);
    }

    private static PortableHttpResponse Answer(IdempotencyRecord? record, string hash, ReadOnlySpan<byte> body, ReadOnlySpan<byte> prefix)
    {
        if (record is null)
        {
            // The first attempt failed and released its claim between our insert and our read.
            return PortableHttpResponse.Error(409, "A request with this Idempotency-Key was just released; retry it.", headers: RetryAfterOne);
        }

        if (!IdempotencyRecords.SamePayload(record, hash, body, prefix))
        {
            return PortableHttpResponse.Error(422, "This Idempotency-Key was already used with a different request.");
        }

        if (record.State != IdempotencyRecord.Completed)
        {
            return PortableHttpResponse.Error(409, "A request with this Idempotency-Key is still in progress.", headers: RetryAfterOne);
        }

        var headers = new HeaderMap.Builder();
        foreach (var (name, value) in record.Headers ?? [])
        {
            headers.Add(name, value);
        }

        headers.Add(ReplayedHeaderName, "true");
        return new PortableHttpResponse
        {
            StatusCode = record.StatusCode ?? 200,
            Headers = headers.Build(),
            Body = Convert.FromBase64String(record.Body ?? string.Empty),
        };
    }
}
