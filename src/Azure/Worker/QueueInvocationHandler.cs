using Microsoft.Extensions.Logging;
using Portable.Core.Invocation;
using Portable.Core.Messaging;

namespace Portable.Azure.Worker;

/// <summary>
/// Runs a queue-triggered function on one message from the Functions host: the message goes through Core's
/// <see cref="MessageInvoker"/> as a one-message batch, and its settlement is what the worker makes of the invocation:
/// <list type="bullet">
/// <item><b>Success</b>: the invocation succeeds; the host deletes the message.</item>
/// <item><b>Retry</b> (transient): the invocation fails. A Storage queue message reappears after
/// <c>visibilityTimeout</c> and goes to <c>&lt;queue&gt;-poison</c> after <c>maxDequeueCount</c> (5) dequeues.</item>
/// <item><b>DeadLetter</b> (permanent): the invoker has already recorded it through the host's
/// <see cref="IDeadLetterSink"/> (on Azure, <c>&lt;queue&gt;-poison</c>), so the invocation succeeds and the reason is
/// logged. Failing it would only make the host retry a failure that retrying cannot fix, four more times, before
/// poisoning it anyway. Should the sink fail, the invoker settles the message as Retry instead, and the host's own
/// poison rule is the safety net — a permanent failure is never acknowledged without being recorded somewhere.</item>
/// </list>
/// </summary>
public sealed partial class QueueInvocationHandler
{
    private readonly MessageInvoker _invoker;
    private readonly ILogger _log;

    /// <summary>Creates the handler over the app's message invoker.</summary>
    public QueueInvocationHandler(MessageInvoker invoker, ILogger<QueueInvocationHandler> log)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(log);
        _invoker = invoker;
        _log = log;
    }

    /// <summary>
    /// Runs <paramref name="function"/> on one message and settles it: Success; DeadLetter (already recorded in the
    /// dead-letter sink, <c>&lt;queue&gt;-poison</c>, so the invocation succeeds); or Retry, logged here, which the
    /// worker turns into a failed invocation so the queue redelivers it.
    /// </summary>
    public async Task<MessageSettlement> SettleAsync(Portable.Core.Functions.FunctionDefinition function, IncomingMessage message, string? invocationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(message);
        var settlements = await _invoker.InvokeAsync(function, [message], new InvocationInfo(InvocationId: invocationId), cancellationToken).ConfigureAwait(false);
        var settlement = settlements[0];
        if (settlement.Outcome == MessageOutcome.Retry)
        {
            LogRetry(_log, message.Id, function.Name, message.DeliveryCount, settlement.Reason);
        }

        return settlement;
    }

    /// <summary>The message that reports a message failed transiently, to be redelivered by the queue.</summary>
    public static string RetryLine(IncomingMessage message, string functionName, string? reason)
    {
        ArgumentNullException.ThrowIfNull(message);
        return $"Message {message.Id} failed in {functionName} and will be retried: {reason}";
    }

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Message {MessageId} of {FunctionName} (delivery {DeliveryCount}) failed its invocation for the host to retry: {Reason}")]
    private static partial void LogRetry(ILogger logger, string messageId, string functionName, int deliveryCount, string? reason);
}
