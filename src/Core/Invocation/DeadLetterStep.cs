using Portable.Core.Messaging;

namespace Portable.Core.Invocation;

/// <summary>
/// The last step of a delivery its handler (or its settler) dead-lettered, shared by every front door that has one:
/// the letter goes to the sink and is counted in <c>portable.dead_lettered</c>. A sink that fails leaves the delivery to
/// be retried, so nothing is lost: the caller answers retry with <see cref="CouldNotReason"/>.
/// </summary>
internal static class DeadLetterStep
{
    /// <summary>Sends <paramref name="letter"/>; null when it went, else the sink's failure (never a host shutdown's cancellation).</summary>
    public static async ValueTask<Exception?> TrySendAsync(
        IDeadLetterSink sink, IncomingMessage letter, string reason, string functionName, CancellationToken hostToken)
    {
        try
        {
            await sink.DeadLetterAsync(letter, reason, hostToken).ConfigureAwait(false);
            PortableMetrics.DeadLettered.Add(1, new KeyValuePair<string, object?>("faas.name", functionName));
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !hostToken.IsCancellationRequested)
        {
            return ex;
        }
    }

    /// <summary>The retry reason of a delivery whose dead letter could not be sent.</summary>
    public static string CouldNotReason(string reason, Exception failure) => $"Could not dead-letter ({reason}): {failure.Message}";
}
