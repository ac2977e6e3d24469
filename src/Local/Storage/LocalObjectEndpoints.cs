using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Storage;
using Portable.Hosting;

namespace Portable.Local.Storage;

/// <summary>
/// The local host's object storage over HTTP, what an S3 bucket and its event notifications are in the cloud:
/// <c>PUT /_local/buckets/{bucket}/{key}</c> stores the body as the object (a bucket is a folder, made on first use;
/// a <c>/</c> in the key is a subfolder) and queues its object-created event for every storage function whose trigger
/// matches, answering 201 (<see cref="UploadResult"/>) only once the object and its deliveries are durable — a PUT
/// that failed can be sent again, and the same bytes make the same event. <c>GET</c> of the same path reads the
/// object back. <c>POST /_local/object-events</c> delivers an object-created event again (<c>bucket</c> and
/// <c>key</c> required; <c>eTag</c>, <c>version</c>, <c>sequencer</c>, <c>size</c>, <c>contentType</c>,
/// <c>eventTime</c> as the upload's answer gave them), as a platform delivering an event twice does.
/// </summary>
public sealed class LocalObjectEndpoints(DirectoryObjectStore objects, LocalObjectDelivery delivery, int maxObjectBytes)
{
    /// <summary>The path prefix of the buckets.</summary>
    public const string BucketsPrefix = "/_local/buckets";

    /// <summary>The path that takes an object-created event to deliver again.</summary>
    public const string EventsPath = "/_local/object-events";

    /// <summary>The largest redelivered event body.</summary>
    private const int MaxEventBytes = 64 * 1024;

    /// <summary>Answers the request if it is for one of these paths; false leaves it to the functions.</summary>
    public async ValueTask<bool> TryHandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path.Value ?? string.Empty;
        var method = context.Request.Method;
        if (string.Equals(path.TrimEnd('/'), EventsPath, StringComparison.Ordinal))
        {
            var answer = method == "POST"
                ? await RedeliverAsync(context).ConfigureAwait(false)
                : PortableHttpResponse.Error(405, $"Method {method} is not allowed on {EventsPath}: POST an object-created event to deliver it again.");
            await AspNetCoreBridge.WriteResponseAsync(context, answer).ConfigureAwait(false);
            return true;
        }

        if (!(string.Equals(path, BucketsPrefix, StringComparison.Ordinal) || path.StartsWith(BucketsPrefix + "/", StringComparison.Ordinal)))
        {
            return false;
        }

        var rest = path.Length > BucketsPrefix.Length ? path[(BucketsPrefix.Length + 1)..] : string.Empty;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var key = slash < 0 ? string.Empty : rest[(slash + 1)..];
        if (method is not ("PUT" or "GET"))
        {
            await AspNetCoreBridge.WriteResponseAsync(context, PortableHttpResponse.Error(405, $"Method {method} is not allowed on {path}: PUT uploads an object, GET reads it.")).ConfigureAwait(false);
            return true;
        }

        if (bucket.Length == 0 || key.Length == 0)
        {
            await AspNetCoreBridge.WriteResponseAsync(context, PortableHttpResponse.Error(400, $"A bucket and a key are required: {method} {BucketsPrefix}/{{bucket}}/{{key}}, e.g. {BucketsPrefix}/uploads/sales.csv.")).ConfigureAwait(false);
            return true;
        }

        if (method == "PUT")
        {
            await AspNetCoreBridge.WriteResponseAsync(context, await PutAsync(context, bucket, key).ConfigureAwait(false)).ConfigureAwait(false);
        }
        else
        {
            await GetAsync(context, bucket, key).ConfigureAwait(false);
        }

        return true;
    }

    private async ValueTask<PortableHttpResponse> PutAsync(HttpContext context, string bucket, string key)
    {
        var body = await AspNetCoreBridge.ReadBodyAsync(context.Request.Body, context.Request.ContentLength, maxObjectBytes, context.RequestAborted).ConfigureAwait(false);
        if (body.Length > maxObjectBytes)
        {
            return PortableHttpResponse.Error(413, $"An object uploaded to the local host may be at most {maxObjectBytes} bytes.");
        }

        ObjectCreated created;
        try
        {
            created = await objects.PutAsync(bucket, key, body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            return PortableHttpResponse.Error(400, ex.Message);
        }

        created = created with { ContentType = string.IsNullOrWhiteSpace(context.Request.ContentType) ? null : context.Request.ContentType };
        var functions = await delivery.DeliverAsync(created, TraceParent(context), context.RequestAborted).ConfigureAwait(false);
        var headers = new HeaderMap.Builder(2).Add("Location", $"{BucketsPrefix}/{Uri.EscapeDataString(bucket)}/{string.Join('/', key.Split('/').Select(Uri.EscapeDataString))}").Add("ETag", $"\"{created.ETag}\"");
        return PortableHttpResponse.Json(201, Result(created, functions), LocalJsonContext.Default.UploadResult, headers);
    }

    private async ValueTask GetAsync(HttpContext context, string bucket, string key)
    {
        StoredObject stored;
        try
        {
            stored = await objects.OpenReadAsync(bucket, key, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException ex)
        {
            await AspNetCoreBridge.WriteResponseAsync(context, PortableHttpResponse.Error(404, ex.Message)).ConfigureAwait(false);
            return;
        }

        await using (stored.ConfigureAwait(false))
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/octet-stream"; // the folder keeps no content types
            context.Response.ContentLength = stored.Length;
            await stored.Content.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private async ValueTask<PortableHttpResponse> RedeliverAsync(HttpContext context)
    {
        var body = await AspNetCoreBridge.ReadBodyAsync(context.Request.Body, context.Request.ContentLength, MaxEventBytes, context.RequestAborted).ConfigureAwait(false);
        if (body.Length > MaxEventBytes)
        {
            return PortableHttpResponse.Error(413, $"An object-created event may be at most {MaxEventBytes} bytes.");
        }

        ObjectCreated created;
        try
        {
            created = Read(body);
        }
        catch (FormatException ex)
        {
            return PortableHttpResponse.Error(400, ex.Message);
        }

        var functions = await delivery.DeliverAsync(created, TraceParent(context), context.RequestAborted).ConfigureAwait(false);
        return PortableHttpResponse.Json(202, Result(created, functions), LocalJsonContext.Default.UploadResult);
    }

    // The event as the upload's answer (or a dead letter's body) writes it; what the local host would not have sent is refused.
    private static ObjectCreated Read(ReadOnlyMemory<byte> body)
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
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("The body must be one object-created event, a JSON object with \"bucket\" and \"key\".");
            }

            return new ObjectCreated
            {
                Cloud = CloudProvider.Local,
                Bucket = Text(root, "bucket") ?? throw new FormatException("The event has no \"bucket\"."),
                Key = Text(root, "key") ?? throw new FormatException("The event has no \"key\"."),
                Version = Text(root, "version"),
                ETag = Text(root, "eTag") ?? Text(root, "etag"),
                Sequencer = Text(root, "sequencer"),
                ContentType = Text(root, "contentType"),
                Size = root.TryGetProperty("size", out var size) && size.ValueKind != JsonValueKind.Null
                    ? size.ValueKind == JsonValueKind.Number && size.TryGetInt64(out var bytes) && bytes >= 0 ? bytes : throw new FormatException("\"size\" must be a whole number of bytes.")
                    : null,
                EventTime = Text(root, "eventTime") is { } time
                    ? DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : throw new FormatException($"\"eventTime\" '{time}' is not a date and time.")
                    : null,
            };
        }
    }

    private static string? Text(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null
            ? null
            : value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
                ? text
                : throw new FormatException($"\"{name}\" must be a non-empty string.");

    private static string? TraceParent(HttpContext context) =>
        context.Request.Headers.TraceParent.ToString() is { Length: > 0 } traceParent ? traceParent : null;

    private static UploadResult Result(ObjectCreated created, IReadOnlyList<string> functions) =>
        new(created.Bucket, created.Key, created.ETag, created.Size, created.ContentType, created.EventTime, functions);
}
