using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Gcp.Triggers;
using Portable.Hosting;

namespace Portable.Gcp.Events;

/// <summary>
/// Queue functions on Cloud Run: a Pub/Sub push (or Eventarc <c>messagePublished</c>) delivery in as one
/// <see cref="IncomingMessage"/> (<see cref="PubSubPushReader"/>), through <see cref="MessageInvoker"/>, and the
/// settlement out as the status that acks or nacks it. Each function answers at <c>/{functionName}</c>, or at every path
/// when <c>FUNCTION_TARGET</c> names it (routing and status codes: <c>src/Gcp/Events/README.md</c>). Only POST is
/// accepted. 204 on success and after a permanent failure has been recorded through the dead-letter sink (so Pub/Sub
/// stops redelivering it), 500 on a transient failure (a nack: Pub/Sub redelivers with backoff, then forwards to the
/// subscription's dead-letter topic), 400 for a request that is not a Pub/Sub delivery — which Pub/Sub treats as a
/// nack too, so a malformed message also ends in the dead-letter topic after <c>maxDeliveryAttempts</c>.
/// </summary>
internal sealed partial class PubSubPushMapper : CloudRunTriggerMapper<QueueTrigger>
{
    /// <summary>
    /// The largest body read: a Pub/Sub message is at most 10 MB (Pub/Sub quotas), which base64 makes about 13.4 MB,
    /// plus the envelope. Cloud Run itself refuses HTTP/1 bodies over 32 MiB.
    /// </summary>
    public const int MaxBodyBytes = 16 * 1024 * 1024;

    /// <inheritdoc />
    public override string Description => "queue (Pub/Sub push or Eventarc messagePublished, POST /{function})";

    /// <summary>Runs one pushed message for <paramref name="function"/> (consuming <paramref name="queue"/>) and answers with the status that acks or nacks it.</summary>
    public static async Task HandleAsync(HttpContext context, InvocationInfo info, MessageInvoker invoker, FunctionDefinition function, string queue, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(function);
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            await WriteAsync(context, PortableHttpResponse.Error(405, $"Queue function '{function.Name}' takes Pub/Sub push deliveries: POST only.", headers: HeaderMap.Empty.With("Allow", "POST"))).ConfigureAwait(false);
            return;
        }

        var body = await AspNetCoreBridge.ReadBodyAsync(request.Body, request.ContentLength, MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (body.Length > MaxBodyBytes)
        {
            await WriteAsync(context, PortableHttpResponse.Error(413, $"The push body is larger than {MaxBodyBytes} bytes.")).ConfigureAwait(false);
            return;
        }

        var headers = request.Headers;
        if (!PubSubPushReader.TryRead(request.ContentType, name => headers.TryGetValue(name, out var v) ? v.ToString() : null, body.Span, queue, out var delivery, out var error))
        {
            LogMalformed(log, function.Name, error);
            await WriteAsync(context, PortableHttpResponse.Error(400, error)).ConfigureAwait(false);
            return;
        }

        var settlement = (await invoker.InvokeAsync(function, [delivery.Message], info, context.RequestAborted).ConfigureAwait(false))[0];
        var response = settlement.Outcome switch
        {
            MessageOutcome.Success or MessageOutcome.DeadLetter => PortableHttpResponse.Empty(204),
            _ => PortableHttpResponse.Error(500, settlement.Reason ?? "The message failed; Pub/Sub will deliver it again.", new Dictionary<string, string> { ["messageId"] = settlement.MessageId }),
        };
        await WriteAsync(context, response).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override IEnumerable<CloudRunRoute> Bind(IReadOnlyList<(FunctionDefinition Function, QueueTrigger Trigger)> functions, IServiceProvider services, ILogger log)
    {
        var invoker = services.GetRequiredService<MessageInvoker>();
        return [.. functions.Select(f => CloudRunRoute.AtFunctionPath(f.Function, (context, info) => HandleAsync(context, info, invoker, f.Function, f.Trigger.Queue, log)))];
    }

    private static ValueTask WriteAsync(HttpContext context, PortableHttpResponse response) => AspNetCoreBridge.WriteResponseAsync(context, response);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Refused a push to {FunctionName} with 400: {Error}")]
    private static partial void LogMalformed(ILogger logger, string functionName, string error);
}
