using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Portable.Core.Messaging;

namespace Portable.Core.Resilience;

/// <summary>
/// Decides which exceptions are worth retrying in process. Transient: <see cref="TransientException"/>, an
/// <see cref="HttpRequestException"/> with no status (the connection failed) or 408, 429 or 5xx, Polly's
/// <see cref="TimeoutRejectedException"/> (an attempt timed out), <see cref="IOException"/> (except a missing file or
/// directory), <see cref="SocketException"/>, a <see cref="DbException"/> whose provider marks it transient (Npgsql,
/// Microsoft.Data.Sqlite), and a cancellation that the caller did not ask for (an SDK's own
/// timeout). Everything else is not, and in particular never <see cref="PermanentFailureException"/>, an
/// <see cref="ArgumentException"/>, a <see cref="JsonException"/>, an open circuit, or the caller's own cancellation.
/// </summary>
public static class TransientFaults
{
    /// <summary>
    /// True when retrying <paramref name="exception"/> may succeed. <paramref name="callerToken"/> is the token the
    /// call runs under: once it is cancelled, no fault is transient any more.
    /// </summary>
    public static bool IsTransient(Exception exception, CancellationToken callerToken = default)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (IsPermanent(exception))
        {
            return false;
        }

        return exception switch
        {
            OperationCanceledException => !callerToken.IsCancellationRequested,
            TransientException or TimeoutRejectedException or SocketException => true,
            HttpRequestException http => http.StatusCode is null || IsTransientStatus(http.StatusCode.Value),
            IOException => true,
            DbException db => db.IsTransient,
            AggregateException { InnerExceptions.Count: > 0 } aggregate => aggregate.InnerExceptions.All(e => IsTransient(e, callerToken)),
            _ => false,
        };
    }

    /// <summary>
    /// True for faults that retrying can never fix: bad data, a broken business rule, a bug in the call, a missing
    /// file, or a circuit that is open (it rejects fast on purpose). These are never retried.
    /// </summary>
    public static bool IsPermanent(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception is PermanentFailureException
            or ArgumentException
            or JsonException
            or BrokenCircuitException
            or FileNotFoundException
            or DirectoryNotFoundException
            or PathTooLongException;
    }

    /// <summary>True for HTTP statuses that ask to try again: 408 Request Timeout, 429 Too Many Requests and every 5xx.</summary>
    public static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status is >= 500 and <= 599;

    /// <summary>The wait a fault asks for before the next attempt (see <see cref="TransientException.RetryAfter"/>), if any.</summary>
    public static TimeSpan? RetryAfter(Exception? exception) => exception switch
    {
        TransientException { RetryAfter: { } after } => after,
        AggregateException { InnerExceptions.Count: 1 } aggregate => RetryAfter(aggregate.InnerExceptions[0]),
        _ => null,
    };
}
