using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Hosting;

namespace Portable.Gcp.Events;

/// <summary>
/// Serves queue functions on Cloud Run. Routing, decided here and documented in <c>src/Gcp/Events/README.md</c>:
/// with <c>FUNCTION_TARGET</c> naming a queue function, every path (but the Functions Framework's reserved ones)
/// reaches it, as the Functions Framework does for event functions; without <c>FUNCTION_TARGET</c>, a queue function
/// is served at <c>/{functionName}</c> (for example <c>/ledger-writer</c>), which takes precedence over HTTP routes.
/// Only POST is accepted. One request carries one message; the status code is the ack: 204 on success and after a
/// permanent failure has been recorded through the dead-letter sink (so Pub/Sub stops redelivering it), 500 on a
/// transient failure (a nack: Pub/Sub redelivers with backoff, then forwards to the subscription's dead-letter topic),
/// 400 for a request that is not a Pub/Sub delivery — which Pub/Sub treats as a nack too, so a malformed message
/// also ends in the dead-letter topic after <c>maxDeliveryAttempts</c>.
/// </summary>
internal sealed partial class PubSubPushEndpoint(MessageInvoker invoker, CloudRunSettings settings, ILogger log)
{
    /// <summary>
    /// The largest body read: a Pub/Sub message is at most 10 MB (Pub/Sub quotas), which base64 makes about 13.4 MB,
    /// plus the envelope. Cloud Run itself refuses HTTP/1 bodies over 32 MiB.
    /// </summary>
    public const int MaxBodyBytes = 16 * 1024 * 1024;

    /// <summary>The queue function a request is addressed to, or null when it is not for one.</summary>
    public FunctionDefinition? Match(PathString path)
    {
        var manifest = invoker.Manifest;
        if (settings.FunctionTarget is not null)
        {
            return manifest.Functions is [{ Trigger: QueueTrigger } target] ? target : null;
        }

        var segment = path.Value is { Length: > 1 } value ? value[1..].TrimEnd('/') : string.Empty;
        return segment.Length > 0 && !segment.Contains('/', StringComparison.Ordinal) && manifest.Find(segment) is { Trigger: QueueTrigger } function
            ? function
            : null;
    }

    /// <summary>Runs one pushed message through Core and answers with the status that acks or nacks it.</summary>
    public async Task HandleAsync(HttpContext context, FunctionDefinition function, InvocationInfo info)
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

        var queue = ((QueueTrigger)function.Trigger).Queue;
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

    private static ValueTask WriteAsync(HttpContext context, PortableHttpResponse response) => AspNetCoreBridge.WriteResponseAsync(context, response);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Refused a push to {FunctionName} with 400: {Error}")]
    private static partial void LogMalformed(ILogger logger, string functionName, string error);
}
