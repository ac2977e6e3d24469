using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Portable.Core.Events;
using Portable.Core.Http;
using Portable.Core.Messaging;
using Portable.Hosting;

namespace Portable.Local.Events;

/// <summary>
/// Publishing to the local event bus over HTTP: <c>POST /_local/events</c> with one event or an array of them, each
/// in the EventBridge event's shape — <c>source</c> and <c>detail-type</c> required, <c>detail</c> (an object),
/// <c>id</c> (a new one when absent), <c>time</c> (now when absent) and <c>resources</c> optional — answers 202 with
/// each event's id and the functions its rules matched. A W3C <c>traceparent</c> header travels with the events. Each
/// rule's deliveries are inspected, dead letters listed and redriven under <c>/_local/queues/{rule}</c>.
/// </summary>
public sealed class LocalEventEndpoints(LocalEventBus bus, TimeProvider timeProvider)
{
    /// <summary>The path these endpoints answer.</summary>
    public const string Path = "/_local/events";

    /// <summary>Answers the request if it is for <see cref="Path"/>; false leaves it to the functions.</summary>
    public async ValueTask<bool> TryHandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!string.Equals(context.Request.Path.Value?.TrimEnd('/'), Path, StringComparison.Ordinal))
        {
            return false;
        }

        var response = context.Request.Method == "POST"
            ? await PublishAsync(context).ConfigureAwait(false)
            : PortableHttpResponse.Error(405, $"Method {context.Request.Method} is not allowed on {Path}: POST events to publish them.");
        await AspNetCoreBridge.WriteResponseAsync(context, response).ConfigureAwait(false);
        return true;
    }

    private async ValueTask<PortableHttpResponse> PublishAsync(HttpContext context)
    {
        var max = DeliveryProfile.Local.MaxPayloadBytes;
        var body = await AspNetCoreBridge.ReadBodyAsync(context.Request.Body, context.Request.ContentLength, max, context.RequestAborted).ConfigureAwait(false);
        if (body.Length > max)
        {
            return PortableHttpResponse.Error(413, $"Events posted at once may be at most {max} bytes.");
        }

        var traceParent = context.Request.Headers.TraceParent.ToString();
        List<PortableEvent> events;
        try
        {
            events = Read(body, traceParent.Length > 0 ? traceParent : null);
        }
        catch (FormatException ex)
        {
            return PortableHttpResponse.Error(400, ex.Message);
        }

        IReadOnlyList<string> ids;
        try
        {
            ids = await bus.PublishAsync(events, context.RequestAborted).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            return PortableHttpResponse.Error(413, ex.Message);
        }

        var published = new PublishedEvent[events.Count];
        for (var i = 0; i < published.Length; i++)
        {
            published[i] = new PublishedEvent(ids[i], bus.Router.MatchingFunctions(events[i]));
        }

        return PortableHttpResponse.Json(202, new PublishResult(published), LocalJsonContext.Default.PublishResult);
    }

    private List<PortableEvent> Read(ReadOnlyMemory<byte> body, string? traceParent)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The body is not JSON: {ex.Message}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            var items = root.ValueKind == JsonValueKind.Array ? [.. root.EnumerateArray()] : new List<JsonElement> { root };
            if (items.Count == 0)
            {
                throw new FormatException("Post one event or a non-empty array of events.");
            }

            var attributes = traceParent is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["traceparent"] = traceParent };
            var events = new List<PortableEvent>(items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                var where = root.ValueKind == JsonValueKind.Array ? $"Event {i}" : "The event";
                if (items[i].ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"{where} is not a JSON object.");
                }

                var filled = Fill(items[i]);
                try
                {
                    events.Add(PortableEvent.FromEnvelope(filled) with { Attributes = attributes });
                }
                catch (FormatException ex)
                {
                    throw new FormatException($"{where}: {ex.Message.Replace("The EventBridge event's", "its", StringComparison.Ordinal).Replace("The EventBridge event", "it", StringComparison.Ordinal)}", ex);
                }
            }

            return events;
        }
    }

    // The given event with an id and a time where it has none, as EventBridge stamps them on PutEvents.
    private byte[] Fill(JsonElement item)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in item.EnumerateObject())
            {
                property.WriteTo(writer);
            }

            if (!item.TryGetProperty("id", out _))
            {
                writer.WriteString("id", Guid.NewGuid().ToString());
            }

            if (!item.TryGetProperty("time", out _))
            {
                writer.WriteString("time", timeProvider.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
