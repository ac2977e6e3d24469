using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Json;
using Portable.Core.State;

namespace Portable.Core.Idempotency;

/// <summary>
/// Makes <c>POST</c> with an <c>Idempotency-Key</c> header safe to retry: the first request under a key runs,
/// later ones with the same method, path and body replay its response (status, body, <c>Location</c>,
/// <c>ETag</c>) without running the handler; the same key with a different request is a 422; a retry while
/// the first attempt is still running is a 409 with <c>Retry-After</c>. A 5xx outcome is not kept, so the
/// client can try again.
/// </summary>
public sealed class HttpIdempotencyMiddleware(IStateStore store, TimeProvider timeProvider) : IFunctionMiddleware
{
    /// <summary>The request header clients send.</summary>
    public const string HeaderName = "Idempotency-Key";

    /// <summary>The response header set on a replayed response.</summary>
    public const string ReplayedHeaderName = "Idempotent-Replayed";

    /// <summary>The state-store collection holding the records.</summary>
    public const string Collection = "idempotency";

    /// <summary>How long a completed response is kept: 24 hours.</summary>
    public static readonly TimeSpan CompletedLifetime = TimeSpan.FromHours(24);

    /// <summary>How long an in-progress claim lasts when the platform gives no deadline.</summary>
    public static readonly TimeSpan DefaultInProgressLifetime = TimeSpan.FromMinutes(5);

    private static readonly string[] ReplayedHeaders = ["Content-Type", "Location", "ETag"];

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

        var recordKey = $"{context.FunctionName}:{key}";
        var hash = Hash(request);
        var now = timeProvider.GetUtcNow();
        var claim = Serialize(new IdempotencyRecord { State = IdempotencyRecord.InProgress, RequestHash = hash });
        var claimed = await store.InsertAsync(Collection, recordKey, claim, context.Deadline ?? now + DefaultInProgressLifetime, context.CancellationToken).ConfigureAwait(false);
        if (!claimed.Succeeded)
        {
            context.Result = await AnswerExistingAsync(recordKey, hash, context.CancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch
        {
            await store.DeleteAsync(Collection, recordKey, claimed.ETag, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        if (context.Result is not PortableHttpResponse response || response.StatusCode >= 500)
        {
            await store.DeleteAsync(Collection, recordKey, claimed.ETag, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        var completed = new IdempotencyRecord
        {
            State = IdempotencyRecord.Completed,
            RequestHash = hash,
            StatusCode = response.StatusCode,
            Headers = ReplayedHeaders.Where(response.Headers.Contains).ToDictionary(h => h, h => response.Headers[h]!, StringComparer.OrdinalIgnoreCase),
            Body = Convert.ToBase64String(response.Body.Span),
        };
        await store.ReplaceAsync(Collection, recordKey, Serialize(completed), claimed.ETag!, timeProvider.GetUtcNow() + CompletedLifetime, CancellationToken.None).ConfigureAwait(false);
    }

    private async ValueTask<PortableHttpResponse> AnswerExistingAsync(string recordKey, string hash, CancellationToken cancellationToken)
    {
        var entry = await store.GetAsync(Collection, recordKey, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            // The first attempt failed and released its claim between our insert and this read.
            return PortableHttpResponse.Error(409, "A request with this Idempotency-Key was just released; retry it.", headers: HeaderMap.Empty.With("Retry-After", "1"));
        }

        var record = JsonSerializer.Deserialize(entry.Value.Span, CoreJsonContext.Default.IdempotencyRecord)!;
        if (record.RequestHash != hash)
        {
            return PortableHttpResponse.Error(422, "This Idempotency-Key was already used with a different request.");
        }

        if (record.State != IdempotencyRecord.Completed)
        {
            return PortableHttpResponse.Error(409, "A request with this Idempotency-Key is still in progress.", headers: HeaderMap.Empty.With("Retry-After", "1"));
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

    private static string Hash(PortableHttpRequest request)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}\n"));
        sha.AppendData(request.Body.Span);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static byte[] Serialize(IdempotencyRecord record) =>
        JsonSerializer.SerializeToUtf8Bytes(record, CoreJsonContext.Default.IdempotencyRecord);
}
