using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Messaging;
using Portable.Hosting;

namespace Portable.Local.Queues;

/// <summary>
/// The local host's queue operations over HTTP: <c>POST /_local/queues/{queue}</c> enqueues (optional
/// <c>Message-Id</c> header), <c>GET /_local/queues/{queue}</c> counts what waits and what was dead-lettered,
/// <c>GET …/dead-letters</c> lists dead letters, <c>POST …/dead-letters/redrive</c> moves them back. Only queues a
/// function of the manifest consumes are accepted, and, for everything but enqueueing, the queue of each event rule
/// (its deliveries from the local event bus, which <c>POST /_local/events</c> publishes to) and of each storage function
/// (the object-created events of uploads to <c>/_local/buckets/…</c>).
/// </summary>
public sealed class LocalQueueEndpoints(SqliteMessageQueue queue, QueueSignal signal, FunctionManifest manifest)
{
    /// <summary>The path prefix these endpoints live under.</summary>
    public const string Prefix = "/_local/queues";

    /// <summary>Answers the request if it is one of these endpoints; false leaves it to the functions.</summary>
    public async ValueTask<bool> TryHandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path.Value ?? string.Empty;
        if (!path.StartsWith(Prefix + "/", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = path[(Prefix.Length + 1)..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        var method = context.Request.Method;
        var response = parts switch
        {
            [var name] when method == "POST" => await EnqueueAsync(context, name).ConfigureAwait(false),
            [var name] when method == "GET" => await DepthAsync(name, context.RequestAborted).ConfigureAwait(false),
            [var name, "dead-letters"] when method == "GET" => await ListAsync(name, context.RequestAborted).ConfigureAwait(false),
            [var name, "dead-letters", "redrive"] when method == "POST" => await RedriveAsync(name, context.RequestAborted).ConfigureAwait(false),
            [_] or [_, "dead-letters"] or [_, "dead-letters", "redrive"] => PortableHttpResponse.Error(405, $"Method {method} is not allowed on {path}."),
            _ => PortableHttpResponse.Error(404, $"No local queue operation at {path}."),
        };
        await AspNetCoreBridge.WriteResponseAsync(context, response).ConfigureAwait(false);
        return true;
    }

    /// <summary>The queues the manifest's functions consume.</summary>
    public IReadOnlyList<string> DeclaredQueues =>
        [.. manifest.Functions.Select(f => f.Trigger).OfType<QueueTrigger>().Select(t => t.Queue).Distinct(StringComparer.Ordinal)];

    /// <summary>The queues that hold each event rule's deliveries (see <see cref="Events.LocalEventBus.QueueOf"/>).</summary>
    public IReadOnlyList<string> EventRuleQueues =>
        [.. manifest.Functions.Select(f => f.Trigger).OfType<EventTrigger>().Select(Events.LocalEventBus.QueueOf)];

    /// <summary>The queues that hold each storage function's object-created deliveries (see <see cref="Storage.LocalObjectDelivery.QueueOf"/>).</summary>
    public IReadOnlyList<string> StorageQueues =>
        [.. manifest.FunctionsOf<Core.Storage.StorageTrigger>().Select(f => Storage.LocalObjectDelivery.QueueOf(f.Function))];

    private PortableHttpResponse? Undeclared(string name) =>
        DeclaredQueues.Contains(name, StringComparer.Ordinal)
            ? null
            : PortableHttpResponse.Error(404, EventRuleQueues.Contains(name, StringComparer.Ordinal)
                ? $"{name} is an event rule's queue: publish events with POST {Events.LocalEventEndpoints.Path} instead."
                : StorageQueues.Contains(name, StringComparer.Ordinal)
                    ? $"{name} is a storage function's queue: upload with PUT {Storage.LocalObjectEndpoints.BucketsPrefix}/{{bucket}}/{{key}}, or deliver an event again with POST {Storage.LocalObjectEndpoints.EventsPath}."
                    : $"Queue {name} is not declared in the manifest. Declared: {string.Join(", ", DeclaredQueues)}.");

    private PortableHttpResponse? Uninspectable(string name) =>
        DeclaredQueues.Contains(name, StringComparer.Ordinal) || EventRuleQueues.Contains(name, StringComparer.Ordinal) || StorageQueues.Contains(name, StringComparer.Ordinal)
            ? null
            : PortableHttpResponse.Error(404, $"Queue {name} is not declared in the manifest. Declared: {string.Join(", ", DeclaredQueues.Concat(EventRuleQueues).Concat(StorageQueues))}.");

    private async ValueTask<PortableHttpResponse> EnqueueAsync(HttpContext context, string name)
    {
        if (Undeclared(name) is { } notFound)
        {
            return notFound;
        }

        var max = DeliveryProfile.Local.MaxPayloadBytes;
        var body = await AspNetCoreBridge.ReadBodyAsync(context.Request.Body, context.Request.ContentLength, max, context.RequestAborted).ConfigureAwait(false);
        if (body.Length > max)
        {
            return PortableHttpResponse.Error(413, $"A local queue message may be at most {max} bytes.");
        }

        if (body.IsEmpty)
        {
            return PortableHttpResponse.Error(400, "A message body is required.");
        }

        var messageId = context.Request.Headers["Message-Id"].ToString();
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (context.Request.Headers.TraceParent.ToString() is { Length: > 0 } traceParent)
        {
            attributes["traceparent"] = traceParent;
        }

        var id = await queue.PublishAsync(name, new OutgoingMessage(body, attributes, messageId.Length > 0 ? messageId : null), context.RequestAborted).ConfigureAwait(false);
        signal.Notify(name);
        return PortableHttpResponse.Json(202, new EnqueueResult(name, id), LocalJsonContext.Default.EnqueueResult);
    }

    private async ValueTask<PortableHttpResponse> DepthAsync(string name, CancellationToken cancellationToken)
    {
        if (Uninspectable(name) is { } notFound)
        {
            return notFound;
        }

        var messages = await queue.CountAsync(name, cancellationToken).ConfigureAwait(false);
        var deadLetters = await queue.CountDeadLettersAsync(name, cancellationToken).ConfigureAwait(false);
        return PortableHttpResponse.Json(200, new QueueDepth(name, messages, deadLetters), LocalJsonContext.Default.QueueDepth);
    }

    private async ValueTask<PortableHttpResponse> ListAsync(string name, CancellationToken cancellationToken)
    {
        if (Uninspectable(name) is { } notFound)
        {
            return notFound;
        }

        var letters = await queue.ListDeadLettersAsync(name, cancellationToken).ConfigureAwait(false);
        return PortableHttpResponse.Json(200, new DeadLetterList(name, [.. letters.Select(DeadLetterView.From)]), LocalJsonContext.Default.DeadLetterList);
    }

    private async ValueTask<PortableHttpResponse> RedriveAsync(string name, CancellationToken cancellationToken)
    {
        if (Uninspectable(name) is { } notFound)
        {
            return notFound;
        }

        var count = await queue.RedriveAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        signal.Notify(name);
        return PortableHttpResponse.Json(200, new RedriveResult(name, count), LocalJsonContext.Default.RedriveResult);
    }
}
