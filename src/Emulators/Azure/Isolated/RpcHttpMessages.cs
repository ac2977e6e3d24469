using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Portable.Emulators.Azure.Isolated.Rpc;

namespace Portable.Emulators.Azure.Isolated;

/// <summary>
/// An HTTP request as the host hands it to the isolated worker (<c>RpcHttp</c> and the HTTP trigger's binding data,
/// protocol digest §3.1), and the worker's <c>RpcHttp</c> answer written back to the caller.
/// </summary>
internal static class RpcHttpMessages
{
    // Framing headers: Kestrel writes its own.
    private static readonly HashSet<string> NotCopied = new(StringComparer.OrdinalIgnoreCase) { "Content-Length", "Transfer-Encoding", "Connection" };

    /// <summary>
    /// The request: <c>url</c>, <c>method</c>, <c>nullable_headers</c> (names lower-cased, values joined with ','),
    /// <c>nullable_query</c>, <c>nullable_params</c> (route values) and, when there is one, the body as
    /// <c>TypedData.bytes</c> (the worker rejects a string body); the plain maps stay empty because the worker says
    /// <c>UseNullableValueDictionaryForHttp</c>. The binding data: a JSON body's top-level fields (non-array, with a JSON content type), the query values
    /// (but <c>code</c>), the route values, and <c>Query</c> and <c>Headers</c> as JSON.
    /// </summary>
    public static (RpcHttp Http, Dictionary<string, TypedData> Metadata) Request(HttpRequest request, byte[] body, IReadOnlyDictionary<string, string> routeValues)
    {
        var http = new RpcHttp
        {
            Method = request.Method,
            Url = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}",
        };
        var headers = new JsonObject();
        foreach (var (name, values) in request.Headers)
        {
            http.NullableHeaders[name.ToLowerInvariant()] = new NullableString { Value = values.ToString() };
            headers[name] = values.ToString();
        }

        var query = new JsonObject();
        foreach (var (name, values) in request.Query)
        {
            http.NullableQuery[name] = new NullableString { Value = values.ToString() };
            query[name] = values.ToString();
        }

        foreach (var (name, value) in routeValues)
        {
            http.NullableParams[name] = new NullableString { Value = value };
        }

        if (body.Length > 0)
        {
            http.Body = new TypedData { Bytes = ByteString.CopyFrom(body) };
        }

        var metadata = new Dictionary<string, TypedData>(StringComparer.Ordinal);
        foreach (var (name, value) in request.HasJsonContentType() ? JsonFields(body) : [])
        {
            metadata[name] = value;
        }

        foreach (var (name, values) in request.Query)
        {
            if (!name.Equals("code", StringComparison.OrdinalIgnoreCase))
            {
                metadata[name] = TypedDataText.String(values.ToString());
            }
        }

        foreach (var (name, value) in routeValues)
        {
            metadata[name] = TypedDataText.String(value);
        }

        metadata["Query"] = TypedDataText.Json(query.ToJsonString());
        metadata["Headers"] = TypedDataText.Json(headers.ToJsonString());
        return (http, metadata);
    }

    /// <summary>
    /// Writes the worker's answer: an <c>RpcHttp</c> gives its status (a decimal string; 200 when empty), headers,
    /// cookies (as <c>Set-Cookie</c>) and body; any other value is a 200 with the value as the body; none is an empty 200.
    /// </summary>
    public static async Task WriteResponseAsync(HttpResponse response, TypedData? value, CancellationToken cancellationToken)
    {
        if (value?.DataCase != TypedData.DataOneofCase.Http)
        {
            response.StatusCode = StatusCodes.Status200OK;
            await WriteBodyAsync(response, value, cancellationToken).ConfigureAwait(false);
            return;
        }

        var http = value.Http;
        response.StatusCode = string.IsNullOrEmpty(http.StatusCode) ? StatusCodes.Status200OK : int.Parse(http.StatusCode, NumberStyles.Integer, CultureInfo.InvariantCulture);
        foreach (var (name, text) in http.Headers)
        {
            if (!NotCopied.Contains(name))
            {
                response.Headers.Append(name, text);
            }
        }

        foreach (var cookie in http.Cookies)
        {
            response.Headers.Append(HeaderNames.SetCookie, SetCookie(cookie));
        }

        await WriteBodyAsync(response, http.Body, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteBodyAsync(HttpResponse response, TypedData? body, CancellationToken cancellationToken)
    {
        var bytes = body?.DataCase switch
        {
            TypedData.DataOneofCase.Bytes => body.Bytes.Memory,
            TypedData.DataOneofCase.Stream => body.Stream.Memory,
            null or TypedData.DataOneofCase.None => ReadOnlyMemory<byte>.Empty,
            _ => System.Text.Encoding.UTF8.GetBytes(TypedDataText.Text(body) ?? string.Empty),
        };
        if (bytes.Length > 0)
        {
            response.ContentLength = bytes.Length;
            await response.Body.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string SetCookie(RpcHttpCookie cookie)
    {
        var header = new SetCookieHeaderValue(cookie.Name, cookie.Value)
        {
            Domain = cookie.Domain?.Value,
            Path = cookie.Path?.Value,
            Secure = cookie.Secure?.Value ?? false,
            HttpOnly = cookie.HttpOnly?.Value ?? false,
            SameSite = cookie.SameSite switch
            {
                RpcHttpCookie.Types.SameSite.Lax => Microsoft.Net.Http.Headers.SameSiteMode.Lax,
                RpcHttpCookie.Types.SameSite.Strict => Microsoft.Net.Http.Headers.SameSiteMode.Strict,
                RpcHttpCookie.Types.SameSite.ExplicitNone => Microsoft.Net.Http.Headers.SameSiteMode.None,
                _ => Microsoft.Net.Http.Headers.SameSiteMode.Unspecified,
            },
        };
        if (cookie.Expires?.Value is { } expires)
        {
            header.Expires = expires.ToDateTimeOffset();
        }

        if (cookie.MaxAge is { } maxAge)
        {
            header.MaxAge = TimeSpan.FromSeconds(maxAge.Value);
        }

        return header.ToString();
    }

    // The host adds a JSON object body's top-level fields to the binding data (HttpTriggerAttributeBindingProvider).
    private static IEnumerable<KeyValuePair<string, TypedData>> JsonFields(byte[] body)
    {
        if (body.Length == 0)
        {
            return [];
        }

        try
        {
            if (JsonNode.Parse(body) is not JsonObject json)
            {
                return [];
            }

            return [.. json
                .Where(p => p.Value is not JsonArray)
                .Select(p => KeyValuePair.Create(p.Key, p.Value is JsonValue v && v.TryGetValue<string>(out var text)
                    ? TypedDataText.String(text)
                    : TypedDataText.Json(p.Value?.ToJsonString() ?? "null")))];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
