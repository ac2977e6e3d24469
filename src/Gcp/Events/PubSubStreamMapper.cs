using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Invocation;
using Portable.Core.Streams;
using Portable.Gcp.Triggers;
using Portable.Hosting;

namespace Portable.Gcp.Events;

/// <summary>
/// Stream functions on Cloud Run: Pub/Sub with ordering keys is Google's ordered stream. A push delivery (or Eventarc
/// <c>messagePublished</c>, read by <see cref="PubSubPushReader"/> as for queue functions) becomes one
/// <see cref="StreamRecord"/> — <c>orderingKey</c> → partition key (empty when the message has none), <c>messageId</c>
/// → sequence number, data → data, <c>publishTime</c> → arrival time, attributes → attributes — run through
/// <see cref="StreamInvoker"/>, and answered with the status that acks or nacks it: 204 when handled or dead-lettered,
/// 500 when it failed. A non-2xx answer is all ordering needs: with message ordering enabled on the subscription,
/// Pub/Sub delivers a key's messages in publish order and, when one is nacked, delivers it again and then every later
/// message of its key again, in order (cloud.google.com/pubsub/docs/ordering), so the key waits behind the failure as a
/// Kinesis shard does. Other keys go on. 400 for a request that is not a Pub/Sub delivery (a nack too, see
/// <c>src/Gcp/Events/README.md</c>). Each function answers at <c>/{functionName}</c>, POST only.
/// </summary>
internal sealed partial class PubSubStreamMapper : CloudRunTriggerMapper<StreamTrigger>
{
    /// <inheritdoc />
    public override string Description => "stream (Pub/Sub push with ordering keys, or Eventarc messagePublished, POST /{function})";

    /// <summary>Runs one pushed message for <paramref name="function"/> (fed by topic <paramref name="stream"/>) and answers with the status that acks or nacks it.</summary>
    public static async Task HandleAsync(HttpContext context, InvocationInfo info, StreamInvoker invoker, FunctionDefinition function, string stream, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(function);
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            await WriteAsync(context, PortableHttpResponse.Error(405, $"Stream function '{function.Name}' takes Pub/Sub push deliveries: POST only.", headers: HeaderMap.Empty.With("Allow", "POST"))).ConfigureAwait(false);
            return;
        }

        var body = await AspNetCoreBridge.ReadBodyAsync(request.Body, request.ContentLength, PubSubPushMapper.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (body.Length > PubSubPushMapper.MaxBodyBytes)
        {
            await WriteAsync(context, PortableHttpResponse.Error(413, $"The push body is larger than {PubSubPushMapper.MaxBodyBytes} bytes.")).ConfigureAwait(false);
            return;
        }

        var headers = request.Headers;
        if (!PubSubPushReader.TryRead(request.ContentType, name => headers.TryGetValue(name, out var v) ? v.ToString() : null, body.Span, stream, out var delivery, out var error))
        {
            LogMalformed(log, function.Name, error);
            await WriteAsync(context, PortableHttpResponse.Error(400, error)).ConfigureAwait(false);
            return;
        }

        var message = delivery.Message;
        var record = new StreamRecord
        {
            PartitionKey = message.OrderingKey ?? string.Empty,
            SequenceNumber = message.Id,
            Data = message.Body,
            Source = stream,
            ArrivedAt = message.EnqueuedAt,
            Attributes = message.Attributes,
        };
        var settlement = (await invoker.InvokeAsync(function, [record], info, context.RequestAborted).ConfigureAwait(false)).Settlements[0];
        var response = settlement.IsSettled
            ? PortableHttpResponse.Empty(204)
            : PortableHttpResponse.Error(
                500,
                settlement.Reason ?? "The message failed; Pub/Sub will deliver it again before later messages of its ordering key.",
                new Dictionary<string, string> { ["messageId"] = record.SequenceNumber, ["orderingKey"] = record.PartitionKey });
        await WriteAsync(context, response).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override IEnumerable<CloudRunRoute> Bind(IReadOnlyList<(FunctionDefinition Function, StreamTrigger Trigger)> functions, IServiceProvider services, ILogger log)
    {
        var invoker = services.GetRequiredService<StreamInvoker>();
        return [.. functions.Select(f => CloudRunRoute.AtFunctionPath(f.Function, (context, info) => HandleAsync(context, info, invoker, f.Function, f.Trigger.Stream, log)))];
    }

    private static ValueTask WriteAsync(HttpContext context, PortableHttpResponse response) => AspNetCoreBridge.WriteResponseAsync(context, response);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "Refused a push to stream function {FunctionName} with 400: {Error}")]
    private static partial void LogMalformed(ILogger logger, string functionName, string error);
}
