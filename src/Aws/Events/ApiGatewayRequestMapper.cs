using System.Text;
using System.Text.Json;
using Portable.Aws.Runtime;
using Portable.Core.Http;

namespace Portable.Aws.Events;

/// <summary>
/// Step 2 for HTTP on AWS: turns an API Gateway (HTTP API 2.0, REST v1 proxy) or Function URL event into the
/// neutral <see cref="PortableHttpRequest"/>, with <see cref="Utf8JsonReader"/> and <see cref="JsonDocument"/> only, so
/// it is trim- and AOT-safe: one pass of the reader maps an event of the expected shape, and anything it declines (not an
/// HTTP event, a field of the wrong kind) is read into a document, which decides and words the refusal. Field semantics: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
/// and https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html.
/// </summary>
public static class ApiGatewayRequestMapper
{
    /// <summary>The error type reported to <c>/error</c> for an event that is not an HTTP event.</summary>
    public const string UnsupportedEventType = "Runtime.UnsupportedEvent";

    /// <summary>The error type reported to <c>/error</c> for an HTTP event that cannot be read (a field of the wrong JSON kind, no method).</summary>
    public const string InvalidEventType = "Runtime.InvalidEvent";

    /// <summary>The deepest nesting either path reads (the reader's and the document's limit alike).</summary>
    internal const int MaxDepth = 64;

    /// <summary>
    /// Maps <paramref name="payload"/>; on failure <paramref name="error"/> says why, in terms fit for the Runtime
    /// API's <c>/error</c> endpoint. An HTTP event whose request is the client's fault (a body flagged
    /// <c>isBase64Encoded</c> that is not base64) maps, with <see cref="HttpEvent.Rejection"/> set to the 400 to
    /// answer: an <c>/error</c> would reach the client as API Gateway's 502.
    /// </summary>
    public static bool TryMap(ReadOnlyMemory<byte> payload, out HttpEvent httpEvent, out LambdaError error)
    {
        error = null!;
        return ApiGatewayEventReader.TryRead(payload.Span, out httpEvent) || TryMapDocument(payload, out httpEvent, out error);
    }

    /// <summary>
    /// The document path of <see cref="TryMap"/>: the whole event as a <see cref="JsonDocument"/>. It maps whatever the
    /// reader maps, to the same request, and decides every event the reader declines.
    /// </summary>
    internal static bool TryMapDocument(ReadOnlyMemory<byte> payload, out HttpEvent httpEvent, out LambdaError error)
    {
        httpEvent = null!;
        error = null!;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            error = new LambdaError(UnsupportedEventType, $"The event is not JSON ({ex.Message}); this function only accepts API Gateway or Function URL HTTP events.");
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = new LambdaError(UnsupportedEventType, $"The event is a JSON {root.ValueKind}, not an object; this function only accepts API Gateway or Function URL HTTP events.");
                return false;
            }

            try
            {
                if (String(root, "version") == "2.0" && Object(root, "requestContext") is { } context && Object(context, "http") is { } http)
                {
                    return TryMapV2(root, context, http, out httpEvent, out error);
                }

                if (String(root, "httpMethod") is not null && (String(root, "path") is not null || String(root, "resource") is not null))
                {
                    return TryMapV1(root, out httpEvent, out error);
                }
            }
            catch (InvalidOperationException ex)
            {
                // A field of the wrong JSON kind (say, a number where a string belongs).
                error = new LambdaError(InvalidEventType, $"The HTTP event is malformed: {ex.Message}");
                return false;
            }

            error = new LambdaError(UnsupportedEventType, $"Unsupported event: {Describe(root)}. This function only accepts API Gateway (HTTP API payload 2.0 or REST v1 proxy) and Function URL HTTP events.");
            return false;
        }
    }

    private static bool TryMapV2(JsonElement root, JsonElement context, JsonElement http, out HttpEvent httpEvent, out LambdaError error)
    {
        httpEvent = null!;
        var method = String(http, "method");
        if (string.IsNullOrEmpty(method))
        {
            error = new LambdaError(InvalidEventType, "The 2.0 event has no requestContext.http.method.");
            return false;
        }

        var stage = String(context, "stage");
        var path = String(root, "rawPath") ?? String(http, "path") ?? "/";
        path = StripStage(path, stage);

        var headers = new HeaderMap.Builder();
        if (Object(root, "headers") is { } headerObject)
        {
            foreach (var header in headerObject.EnumerateObject())
            {
                if (header.Value.ValueKind != JsonValueKind.Null)
                {
                    headers.Add(header.Name, ScalarText(header.Value));
                }
            }
        }

        // API Gateway removes Cookie from headers and splits it into cookies[]; put it back the way clients send it.
        if (root.TryGetProperty("cookies", out var cookies) && cookies.ValueKind == JsonValueKind.Array && cookies.GetArrayLength() > 0)
        {
            var joined = string.Join("; ", cookies.EnumerateArray().Select(c => c.GetString()).Where(c => !string.IsNullOrEmpty(c)));
            if (joined.Length > 0)
            {
                headers.Add("Cookie", joined);
            }
        }

        var bodyProblem = ReadBody(root, out var body);
        var format = IsFunctionUrlDomain(String(context, "domainName") ?? string.Empty) ? HttpEventFormat.FunctionUrl : HttpEventFormat.HttpApiV2;
        var built = headers.Build();
        httpEvent = new HttpEvent(
            format,
            new PortableHttpRequest
            {
                Method = method.ToUpperInvariant(),
                Path = NormalizePath(path),
                QueryString = String(root, "rawQueryString") ?? string.Empty,
                Headers = built,
                Body = body,
            },
            String(context, "requestId"),
            built["traceparent"])
        {
            Rejection = Rejection(bodyProblem),
        };
        error = null!;
        return true;
    }

    private static bool TryMapV1(JsonElement root, out HttpEvent httpEvent, out LambdaError error)
    {
        httpEvent = null!;
        var headers = new HeaderMap.Builder();
        if (Object(root, "multiValueHeaders") is { } multi && multi.EnumerateObject().Any())
        {
            foreach (var header in multi.EnumerateObject())
            {
                foreach (var value in Values(header.Value))
                {
                    headers.Add(header.Name, value);
                }
            }
        }
        else if (Object(root, "headers") is { } single)
        {
            foreach (var header in single.EnumerateObject())
            {
                if (header.Value.ValueKind != JsonValueKind.Null)
                {
                    headers.Add(header.Name, ScalarText(header.Value));
                }
            }
        }

        // REST v1 hands over decoded query values; re-encode them into a raw query string.
        var query = new StringBuilder();
        if (Object(root, "multiValueQueryStringParameters") is { } multiQuery && multiQuery.EnumerateObject().Any())
        {
            foreach (var parameter in multiQuery.EnumerateObject())
            {
                foreach (var value in Values(parameter.Value))
                {
                    AppendQuery(query, parameter.Name, value);
                }
            }
        }
        else if (Object(root, "queryStringParameters") is { } singleQuery)
        {
            foreach (var parameter in singleQuery.EnumerateObject())
            {
                if (parameter.Value.ValueKind != JsonValueKind.Null)
                {
                    AppendQuery(query, parameter.Name, ScalarText(parameter.Value));
                }
            }
        }

        var bodyProblem = ReadBody(root, out var body);

        // `path` is the resource path without the stage (requestContext.path is the one that carries it).
        var path = String(root, "path") ?? "/";
        var context = Object(root, "requestContext");
        var built = headers.Build();
        httpEvent = new HttpEvent(
            HttpEventFormat.RestV1,
            new PortableHttpRequest
            {
                Method = String(root, "httpMethod")!.ToUpperInvariant(),
                Path = NormalizePath(path),
                QueryString = query.ToString(),
                Headers = built,
                Body = body,
            },
            context is { } c ? String(c, "requestId") : null,
            built["traceparent"])
        {
            Rejection = Rejection(bodyProblem),
        };
        error = null!;
        return true;
    }

    /// <summary>
    /// An HTTP API stage other than <c>$default</c> is the first segment of <c>rawPath</c>; the function's routes do
    /// not include it, so drop it.
    /// </summary>
    internal static string StripStage(string path, string? stage)
    {
        if (string.IsNullOrEmpty(stage) || stage == "$default")
        {
            return path;
        }

        var prefix = "/" + stage;
        if (path.Equals(prefix, StringComparison.Ordinal))
        {
            return "/";
        }

        return path.StartsWith(prefix + "/", StringComparison.Ordinal) ? path[prefix.Length..] : path;
    }

    /// <summary>
    /// Makes a path percent-encoded and rooted: REST v1 delivers it decoded, so characters a URI path cannot hold
    /// (space, non-ASCII, …) are encoded; existing <c>%XX</c> escapes are kept.
    /// </summary>
    internal static string NormalizePath(string path)
    {
        if (path.Length == 0 || path[0] != '/')
        {
            path = "/" + path;
        }

        var needsEncoding = false;
        foreach (var c in path)
        {
            if (!IsPathChar(c))
            {
                needsEncoding = true;
                break;
            }
        }

        if (!needsEncoding)
        {
            return path;
        }

        var builder = new StringBuilder(path.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (IsPathChar(c))
            {
                builder.Append(c);
                continue;
            }

            var length = char.IsHighSurrogate(c) && i + 1 < path.Length
                ? Encoding.UTF8.GetBytes(path.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(path.AsSpan(i, 1), utf8);
            foreach (var b in utf8[..length])
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>True for a Lambda Function URL's domain (<c>*.lambda-url.*</c>).</summary>
    internal static bool IsFunctionUrlDomain(string domain) => domain.Contains(".lambda-url.", StringComparison.OrdinalIgnoreCase);

    // RFC 3986 pchar plus '/', and '%' so existing escapes survive.
    private static bool IsPathChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '=' or ':' or '@' or '/' or '%';

    // The body's bytes; on a body flagged base64 that is not, an empty body and what is wrong with it.
    private static string? ReadBody(JsonElement root, out ReadOnlyMemory<byte> body)
    {
        body = ReadOnlyMemory<byte>.Empty;
        if (!root.TryGetProperty("body", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var text = element.GetString() ?? string.Empty;
        var isBase64 = root.TryGetProperty("isBase64Encoded", out var flag) && flag.ValueKind == JsonValueKind.True;
        if (!isBase64)
        {
            body = Encoding.UTF8.GetBytes(text);
            return null;
        }

        return DecodeBase64(text, out body);
    }

    /// <summary>A body flagged base64, decoded; on text that is not base64, an empty body and what is wrong with it.</summary>
    internal static string? DecodeBase64(string text, out ReadOnlyMemory<byte> body)
    {
        body = ReadOnlyMemory<byte>.Empty;
        var bytes = new byte[(text.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(text, bytes, out var written))
        {
            return "isBase64Encoded is true, but the body is not valid base64";
        }

        body = bytes.AsMemory(0, written);
        return null;
    }

    /// <summary>Core's error shape, so the client sees the same 400 as for any other unreadable body; null for none.</summary>
    internal static PortableHttpResponse? Rejection(string? bodyProblem) =>
        bodyProblem is null
            ? null
            : PortableHttpResponse.Error(400, "The request body could not be decoded.", new Dictionary<string, string> { ["body"] = bodyProblem });

    /// <summary>Appends <c>name=value</c>, both percent-encoded, to a query string being built.</summary>
    internal static void AppendQuery(StringBuilder query, string name, string value)
    {
        if (query.Length > 0)
        {
            query.Append('&');
        }

        query.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
    }

    private static string[] Values(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => element.EnumerateArray().Where(v => v.ValueKind != JsonValueKind.Null).Select(ScalarText).ToArray(),
        JsonValueKind.Null => [],
        _ => [ScalarText(element)],
    };

    private static string ScalarText(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!,
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        _ => throw new InvalidOperationException($"expected a string but found a JSON {element.ValueKind}"),
    };

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JsonElement? Object(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    // Names what the event looks like, so the error tells an operator which trigger was wired to the function.
    private static string Describe(JsonElement root)
    {
        if (root.TryGetProperty("Records", out var records) && records.ValueKind == JsonValueKind.Array && records.GetArrayLength() > 0
            && records[0].ValueKind == JsonValueKind.Object)
        {
            var source = String(records[0], "eventSource") ?? String(records[0], "EventSource");
            if (source is not null)
            {
                return $"a '{source}' records event";
            }
        }

        if (String(root, "detail-type") is { } detailType)
        {
            return $"an EventBridge event (detail-type '{detailType}')";
        }

        var keys = root.EnumerateObject().Select(p => p.Name).Take(8).ToArray();
        return keys.Length == 0 ? "an empty JSON object" : $"a JSON object with keys {string.Join(", ", keys)}";
    }
}
