using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Portable.Core.Http;

namespace Portable.Azure.Hosting;

/// <summary>
/// The custom-handler payload mode for HTTP (protocols README §1c): the host POSTs
/// <c>{"Data":{"req":{Url,Method,Query,Headers,Params,Body}},"Metadata":{…}}</c> to <c>/{function}</c> and expects
/// <c>{"Outputs":{"res":{statusCode,headers,body}},"Logs":[…],"ReturnValue":null}</c> back.
/// </summary>
public static class HttpPayload
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Finds <c>Data</c> in an invocation body: true when <paramref name="root"/> is an object with a <c>Data</c>
    /// object (property names compared case-insensitively, as the host's Newtonsoft reader does).
    /// </summary>
    public static bool TryGetData(JsonElement root, out JsonElement data) =>
        TryGetProperty(root, "Data", out data) && data.ValueKind == JsonValueKind.Object;

    /// <summary>
    /// Builds the neutral request from <c>Data.req</c>: path and query from <c>Url</c> (less the route prefix),
    /// <c>Method</c>, <c>Headers</c> (values as arrays or strings), <c>Body</c> (a string, base64 for octet-stream and
    /// multipart; absent when empty). <c>Query</c> (an object, or the string <c>"{}"</c> the docs show) is used only
    /// when <c>Url</c> carries no query. <c>Params</c> is ignored: Core's router captures route values itself.
    /// </summary>
    public static bool TryReadRequest(JsonElement req, string routePrefix, out PortableHttpRequest request, out string error)
    {
        request = null!;
        if (req.ValueKind != JsonValueKind.Object)
        {
            error = "Data.req is not an object.";
            return false;
        }

        if (!TryGetProperty(req, "Url", out var urlElement) || urlElement.ValueKind != JsonValueKind.String
            || !Uri.TryCreate(urlElement.GetString(), UriKind.Absolute, out var url)
            || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            error = "Data.req.Url is missing or not an absolute http(s) URL.";
            return false;
        }

        if (!TryGetProperty(req, "Method", out var methodElement) || methodElement.ValueKind != JsonValueKind.String || methodElement.GetString() is not { Length: > 0 } method)
        {
            error = "Data.req.Method is missing.";
            return false;
        }

        var headers = new HeaderMap.Builder();
        if (TryGetProperty(req, "Headers", out var headersElement) && headersElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in headersElement.EnumerateObject())
            {
                if (header.Value.ValueKind == JsonValueKind.Array)
                {
                    foreach (var value in header.Value.EnumerateArray())
                    {
                        headers.Add(header.Name, ScalarText(value));
                    }
                }
                else if (header.Value.ValueKind != JsonValueKind.Null)
                {
                    headers.Add(header.Name, ScalarText(header.Value));
                }
            }
        }

        var headerMap = headers.Build();
        var query = url.Query.Length > 1 ? url.Query[1..] : QueryFromElement(req);
        ReadOnlyMemory<byte> body = ReadOnlyMemory<byte>.Empty;
        if (TryGetProperty(req, "Body", out var bodyElement) && bodyElement.ValueKind != JsonValueKind.Null)
        {
            if (!TryReadBody(bodyElement, headerMap["Content-Type"], out body))
            {
                error = "Data.req.Body is not valid base64, which the host sends for octet-stream and multipart bodies.";
                return false;
            }
        }

        request = new PortableHttpRequest
        {
            Method = method.ToUpperInvariant(),
            Path = StripRoutePrefix(url.AbsolutePath, routePrefix),
            QueryString = query,
            Headers = headerMap,
            Body = body,
        };
        error = string.Empty;
        return true;
    }

    /// <summary>
    /// Removes <paramref name="routePrefix"/> (e.g. <c>api</c>) from the start of <paramref name="path"/>, on a
    /// segment boundary; the path is returned unchanged when it does not start with the prefix.
    /// </summary>
    public static string StripRoutePrefix(string path, string routePrefix)
    {
        ArgumentNullException.ThrowIfNull(path);
        var prefix = (routePrefix ?? string.Empty).Trim('/');
        if (prefix.Length == 0)
        {
            return path.Length == 0 ? "/" : path;
        }

        var withSlash = "/" + prefix;
        if (path.Equals(withSlash, StringComparison.OrdinalIgnoreCase))
        {
            return "/";
        }

        return path.StartsWith(withSlash + "/", StringComparison.OrdinalIgnoreCase) ? path[withSlash.Length..] : path;
    }

    /// <summary>
    /// The invocation response: <c>Outputs.{binding}</c> holds <c>statusCode</c> (a string, as the host's
    /// <c>HttpOutputBindingResponse</c> models it), <c>headers</c> (repeated values joined with ", ") and <c>body</c>
    /// (UTF-8 text; omitted when empty). A body that is not UTF-8 cannot travel in this mode: it is sent as base64
    /// and a line in <c>Logs</c> says so.
    /// </summary>
    public static byte[] WriteResponse(PortableHttpResponse response, string outputBindingName)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentException.ThrowIfNullOrEmpty(outputBindingName);
        string? body = null;
        string? log = null;
        if (!response.Body.IsEmpty)
        {
            try
            {
                body = StrictUtf8.GetString(response.Body.Span);
            }
            catch (DecoderFallbackException)
            {
                body = Convert.ToBase64String(response.Body.Span);
                log = $"The response body ({response.Body.Length} bytes) is not UTF-8 text; payload mode carries text only, so it was sent as base64.";
            }
        }

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteStartObject("Outputs");
            w.WriteStartObject(outputBindingName);
            w.WriteString("statusCode", response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteStartObject("headers");
            foreach (var name in response.Headers.Names)
            {
                w.WriteString(name, response.Headers[name]);
            }

            w.WriteEndObject();
            if (body is not null)
            {
                w.WriteString("body", body);
            }

            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartArray("Logs");
            if (log is not null)
            {
                w.WriteStringValue(log);
            }

            w.WriteEndArray();
            w.WriteNull("ReturnValue");
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static bool TryReadBody(JsonElement element, string? contentType, out ReadOnlyMemory<byte> body)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            // Not what the host sends, but a JSON value is unambiguous: take its text.
            body = Encoding.UTF8.GetBytes(element.GetRawText());
            return true;
        }

        var text = element.GetString()!;
        if (IsOctetOrMultipart(contentType))
        {
            var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(Encoding.UTF8.GetByteCount(text))];
            if (!Convert.TryFromBase64String(text, bytes, out var written))
            {
                body = default;
                return false;
            }

            body = bytes.AsMemory(0, written);
            return true;
        }

        body = Encoding.UTF8.GetBytes(text);
        return true;
    }

    // The host base64-encodes exactly these (Utility.IsMediaTypeOctetOrMultipart).
    private static bool IsOctetOrMultipart(string? contentType)
    {
        var mediaType = contentType?.Split(';', 2)[0].Trim();
        return mediaType is not null
            && (mediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase)
                || mediaType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase));
    }

    private static string QueryFromElement(JsonElement req)
    {
        if (!TryGetProperty(req, "Query", out var query))
        {
            return string.Empty;
        }

        if (query.ValueKind == JsonValueKind.String)
        {
            // The docs show "Query":"{}": JSON text inside a string.
            try
            {
                using var inner = JsonDocument.Parse(query.GetString()!);
                return QueryFromObject(inner.RootElement);
            }
            catch (JsonException)
            {
                return string.Empty;
            }
        }

        return QueryFromObject(query);
    }

    private static string QueryFromObject(JsonElement query)
    {
        if (query.ValueKind != JsonValueKind.Object)
        {
            return string.Empty;
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var property in query.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Array)
            {
                pairs.AddRange(property.Value.EnumerateArray().Select(v => new KeyValuePair<string, string>(property.Name, ScalarText(v))));
            }
            else if (property.Value.ValueKind != JsonValueKind.Null)
            {
                pairs.Add(new(property.Name, ScalarText(property.Value)));
            }
        }

        return QueryValues.Format(pairs);
    }

    private static string ScalarText(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    internal static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty(name, out value))
            {
                return true;
            }

            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }
            }
        }

        value = default;
        return false;
    }
}
