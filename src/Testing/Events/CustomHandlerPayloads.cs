using System.Globalization;
using System.Text.Json;
using Portable.Core.Http;
using Portable.Core.Messaging;

namespace Portable.Testing;

/// <summary>
/// The requests the Azure Functions host sends a custom handler in payload mode (protocols README §1c): a POST to
/// <c>/{function}</c> of <c>{"Data":{binding: value},"Metadata":{…,"sys":{MethodName,UtcNow,RandGuid}}}</c>, with
/// the host's headers — field by field as in <c>protocols/samples/azure-customhandler-*-request*.json</c> and the
/// host's <c>ScriptInvocationContextExtensions</c>.
/// </summary>
public static class CustomHandlerPayloads
{
    /// <summary>The host version the requests claim (<c>X-Azure-Functions-HostVersion</c>, <c>User-Agent</c>).</summary>
    public const string HostVersion = "4.1036.1.23224";

    /// <summary>
    /// An HTTP trigger's invocation: <c>Data.req</c> holds <c>Url</c> (with the route prefix and query),
    /// <c>Method</c>, <c>Query</c> (name → values joined with ","), <c>Headers</c> (name → array), <c>Params</c> (the
    /// route values) and <c>Body</c> (text, base64 for octet-stream and multipart; absent when empty); the metadata
    /// repeats the route values, <c>Query</c> and <c>Headers</c>.
    /// </summary>
    public static PortableHttpRequest Http(PortableHttpRequest request, string functionName, CustomHandlerPayloadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(functionName);
        options ??= new CustomHandlerPayloadOptions();
        var prefix = options.RoutePrefix.Trim('/');
        var url = options.BaseUrl.TrimEnd('/') + (prefix.Length > 0 ? "/" + prefix : string.Empty) + request.Path
            + (request.QueryString.Length > 0 ? "?" + request.QueryString : string.Empty);

        var body = PayloadJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("Data");
            w.WriteStartObject(options.BindingName ?? "req");
            w.WriteString("Url", url);
            w.WriteString("Method", request.Method);
            WriteQuery(w, request.Query);
            WriteHeaders(w, request.Headers);
            PayloadJson.WriteStringMap(w, "Params", request.RouteValues);
            if (!request.Body.IsEmpty)
            {
                var binary = request.ContentType?.Split(';', 2)[0].Trim() is { } mediaType
                    && (mediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase) || mediaType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase));
                var text = binary ? null : PayloadJson.Utf8Text(request.Body);
                w.WriteString("Body", text ?? Convert.ToBase64String(request.Body.Span));
            }

            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("Metadata");
            foreach (var (name, value) in request.RouteValues)
            {
                w.WriteString(name, value);
            }

            WriteQuery(w, request.Query);
            WriteHeaders(w, request.Headers);
            WriteSys(w, functionName, options);
            w.WriteEndObject();
            w.WriteEndObject();
        });
        return Invocation(functionName, body, options);
    }

    /// <summary>
    /// A Storage queue trigger's invocation: <c>Data.{binding}</c> is the message text (base64 when the body is not
    /// UTF-8), the metadata <c>DequeueCount</c> (the delivery count), <c>Id</c>, <c>InsertionTime</c> (the enqueue
    /// time), <c>ExpirationTime</c> (7 days later, the queue default), <c>NextVisibleTime</c>, <c>PopReceipt</c>.
    /// </summary>
    public static PortableHttpRequest Queue(IncomingMessage message, string functionName, CustomHandlerPayloadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(functionName);
        options ??= new CustomHandlerPayloadOptions();
        var now = options.Time ?? TestClock.Start;
        var inserted = message.EnqueuedAt ?? now;

        var body = PayloadJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("Data");
            w.WriteString(options.BindingName ?? "message", PayloadJson.Utf8Text(message.Body) ?? Convert.ToBase64String(message.Body.Span));
            w.WriteEndObject();
            w.WriteStartObject("Metadata");
            w.WriteNumber("DequeueCount", message.DeliveryCount);
            w.WriteString("ExpirationTime", QueueTime(inserted.AddDays(7)));
            w.WriteString("Id", message.Id);
            w.WriteString("InsertionTime", QueueTime(inserted));
            w.WriteString("NextVisibleTime", QueueTime(now.AddMinutes(10)));
            w.WriteString("PopReceipt", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{message.Id}/{message.DeliveryCount}")));
            WriteSys(w, functionName, options);
            w.WriteEndObject();
            w.WriteEndObject();
        });
        return Invocation(functionName, body, options);
    }

    private static PortableHttpRequest Invocation(string functionName, byte[] body, CustomHandlerPayloadOptions options) => new()
    {
        Method = "POST",
        Path = "/" + functionName,
        Headers = new HeaderMap.Builder()
            .Add("Content-Type", "application/json")
            .Add("X-Azure-Functions-InvocationId", options.InvocationId ?? Guid.NewGuid().ToString("D"))
            .Add("X-Azure-Functions-HostVersion", HostVersion)
            .Add("User-Agent", "Azure-Functions-Host/" + HostVersion)
            .Build(),
        Body = body,
    };

    private static void WriteQuery(Utf8JsonWriter w, QueryValues query) =>
        PayloadJson.WriteStringMap(w, "Query", query.Names.Select(n => KeyValuePair.Create(n, string.Join(',', query.GetValues(n)))));

    private static void WriteHeaders(Utf8JsonWriter w, HeaderMap headers)
    {
        w.WriteStartObject("Headers");
        foreach (var name in headers.Names)
        {
            PayloadJson.WriteStringArray(w, name, headers.GetValues(name));
        }

        w.WriteEndObject();
    }

    private static void WriteSys(Utf8JsonWriter w, string functionName, CustomHandlerPayloadOptions options)
    {
        w.WriteStartObject("sys");
        w.WriteString("MethodName", functionName);
        w.WriteString("UtcNow", (options.Time ?? TestClock.Start).UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        w.WriteString("RandGuid", Guid.NewGuid().ToString("D"));
        w.WriteEndObject();
    }

    // The sample's form: 2019-10-16T17:58:31+00:00.
    private static string QueueTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);
}
