using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Portable.Azure.Layout;
using Portable.Core.Http;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Hosting;

namespace Portable.Azure.Hosting;

/// <summary>
/// Runs a queue-triggered function for one payload-mode invocation from the Functions host: the message (see
/// <see cref="QueuePayload"/>) goes through Core's <see cref="MessageInvoker"/> as a one-message batch, and its
/// settlement becomes the status code the host acts on:
/// <list type="bullet">
/// <item><b>Success</b>: 200 <c>{"Outputs":{},"Logs":[],"ReturnValue":null}</c>; the host deletes the message.</item>
/// <item><b>Retry</b> (transient): 500. The host fails the invocation; a Storage queue message reappears after
/// <c>visibilityTimeout</c> and goes to <c>&lt;queue&gt;-poison</c> after <c>maxDequeueCount</c> (5) dequeues; a
/// Service Bus message is abandoned and dead-lettered by the broker after <c>MaxDeliveryCount</c> (10).</item>
/// <item><b>DeadLetter</b> (permanent): the invoker has already recorded it through the host's
/// <see cref="IDeadLetterSink"/> (on Azure, <c>&lt;queue&gt;-poison</c>), so the answer is 200 with the reason in
/// <c>Logs</c>. A custom handler cannot ask the host to poison one message on demand; answering non-2xx would
/// only make the host retry a failure that retrying cannot fix, four more times, before poisoning it anyway.
/// Should the sink fail, the invoker settles the message as Retry instead, and the host's own poison rule
/// is the safety net — a permanent failure is never acknowledged without being recorded somewhere.</item>
/// </list>
/// </summary>
public sealed partial class QueueInvocationHandler
{
    private readonly MessageInvoker _invoker;
    private readonly ILogger _log;

    /// <summary>Creates the handler for the invoker's manifest.</summary>
    public QueueInvocationHandler(MessageInvoker invoker, ILogger<QueueInvocationHandler> log)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        _invoker = invoker;
        _log = log;
    }

    /// <summary>The queue functions' names.</summary>
    public IEnumerable<string> FunctionNames => _invoker.Manifest.Functions.Where(f => f.Trigger is QueueTrigger).Select(f => f.Name);

    /// <summary>True when <paramref name="functionName"/> (as the host spells it) is a queue function of the manifest.</summary>
    public bool Handles(string functionName) => Find(functionName) is not null;

    /// <summary>Invokes <paramref name="functionName"/> with the message in <paramref name="root"/> and writes the host's answer.</summary>
    public async Task InvokeAsync(HttpContext context, string functionName, JsonElement root, string? invocationId)
    {
        ArgumentNullException.ThrowIfNull(context);
        var function = Find(functionName) ?? throw new ArgumentException($"'{functionName}' is not a queue function.", nameof(functionName));
        var trigger = (QueueTrigger)function.Trigger;
        if (!QueuePayload.TryReadMessage(root, FunctionJsonWriter.QueueTriggerBindingName, trigger.Queue, invocationId, out var message, out var error))
        {
            // The host fails the invocation and applies its retry and poison rules; the envelope is at fault, not the handler.
            LogBadPayload(_log, function.Name, invocationId, error);
            await AspNetCoreBridge.WriteResponseAsync(context, PortableHttpResponse.Error(StatusCodes.Status400BadRequest, error)).ConfigureAwait(false);
            return;
        }

        var settlement = await SettleAsync(function, message, invocationId, context.RequestAborted).ConfigureAwait(false);
        switch (settlement.Outcome)
        {
            case MessageOutcome.Success:
                await WriteAsync(context, QueuePayload.WriteResponse([])).ConfigureAwait(false);
                break;
            case MessageOutcome.DeadLetter:
                await WriteAsync(context, QueuePayload.WriteResponse([DeadLetteredLine(message, function.Name, settlement.Reason)])).ConfigureAwait(false);
                break;
            default:
                await AspNetCoreBridge.WriteResponseAsync(
                    context,
                    PortableHttpResponse.Error(StatusCodes.Status500InternalServerError, RetryLine(message, function.Name, settlement.Reason))).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// Runs <paramref name="function"/> on one message and settles it, the part every Azure host shares: Success;
    /// DeadLetter (already recorded in the dead-letter sink, <c>&lt;queue&gt;-poison</c>, so the invocation succeeds);
    /// or Retry, logged here, which the host must turn into a failed invocation so the queue redelivers it.
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

    /// <summary>The queue function <paramref name="functionName"/> (as the host spells it), or null.</summary>
    public Portable.Core.Functions.FunctionDefinition? Find(string functionName) =>
        _invoker.Manifest.Find(functionName.ToLowerInvariant()) is { Trigger: QueueTrigger } function ? function : null;

    /// <summary>The line that reports a message dead-lettered by its function: <c>Message {id} dead-lettered by {function}: {reason}</c>.</summary>
    public static string DeadLetteredLine(IncomingMessage message, string functionName, string? reason)
    {
        ArgumentNullException.ThrowIfNull(message);
        return $"Message {message.Id} dead-lettered by {functionName}: {reason}";
    }

    /// <summary>The line that reports a message failed transiently, to be redelivered by the queue.</summary>
    public static string RetryLine(IncomingMessage message, string functionName, string? reason)
    {
        ArgumentNullException.ThrowIfNull(message);
        return $"Message {message.Id} failed in {functionName} and will be retried: {reason}";
    }

    private static async Task WriteAsync(HttpContext context, byte[] body)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "Queue invocation of {FunctionName} (invocation {InvocationId}) is malformed: {Error}")]
    private static partial void LogBadPayload(ILogger logger, string functionName, string? invocationId, string error);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Message {MessageId} of {FunctionName} (delivery {DeliveryCount}) failed its invocation for the host to retry: {Reason}")]
    private static partial void LogRetry(ILogger logger, string messageId, string functionName, int deliveryCount, string? reason);
}
