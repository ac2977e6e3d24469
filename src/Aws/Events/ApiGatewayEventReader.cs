using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Portable.Core.Http;

namespace Portable.Aws.Events;

/// <summary>
/// The fast path of <see cref="ApiGatewayRequestMapper"/>: one pass of <see cref="Utf8JsonReader"/> over an API Gateway
/// (HTTP API 2.0, REST v1) or Function URL event builds the neutral request, with no document and no string made for a
/// field the request does not keep. The objects whose use depends on the event's shape (headers, query parameters,
/// cookies, the body) are passed over once, their reader kept, and read after the shape is known.
/// </summary>
/// <remarks>
/// It maps only what it can map exactly as the <see cref="JsonDocument"/> path does: an HTTP event whose fields have
/// the kinds that path reads without failing. For anything else (not JSON, not an HTTP event, no method, a header that
/// is an object, text that is not UTF-8, ...) it declines, and the document path gives its answer, errors included, so
/// the two cannot disagree on a refusal. A property given twice counts once, the last time, as the document path reads it.
/// </remarks>
internal static class ApiGatewayEventReader
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = ApiGatewayRequestMapper.MaxDepth };

    /// <summary>Maps <paramref name="payload"/>, or returns false for the document path to decide.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out HttpEvent httpEvent)
    {
        httpEvent = null!;
        try
        {
            var reader = new Utf8JsonReader(payload, ReaderOptions);
            var fields = new EventFields();
            if (!ReadRoot(ref reader, ref fields))
            {
                return false;
            }

            if (fields.Version2 && fields.HasContext && fields.HasHttp)
            {
                return TryBuildV2(ref fields, out httpEvent);
            }

            return fields.HttpMethod is not null && (fields.Path is not null || fields.HasResource) && TryBuildV1(ref fields, out httpEvent);
        }
        catch (JsonException)
        {
            return false; // not JSON, or too deep: the document path words the refusal
        }
        catch (InvalidOperationException)
        {
            return false; // text that is not UTF-8 (the reader's GetString): the document path reports it as malformed
        }
    }

    // The root object's properties; false to decline.
    private static bool ReadRoot(ref Utf8JsonReader reader, ref EventFields fields)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // Most likely first: each test is a length check before any byte comparison.
            if (reader.ValueTextEquals("headers"u8))
            {
                reader.Read();
                fields.Headers = reader;
                fields.HeaderCount = Count(ref reader, JsonTokenType.StartObject);
            }
            else if (reader.ValueTextEquals("requestContext"u8))
            {
                ReadContext(ref reader, ref fields);
            }
            else if (reader.ValueTextEquals("body"u8))
            {
                reader.Read();
                fields.BodyKind = reader.TokenType;
                fields.Body = reader;
                SkipValue(ref reader);
            }
            else if (reader.ValueTextEquals("isBase64Encoded"u8))
            {
                reader.Read();
                fields.IsBase64 = reader.TokenType == JsonTokenType.True;
                SkipValue(ref reader);
            }
            else if (reader.ValueTextEquals("version"u8))
            {
                reader.Read();
                fields.Version2 = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("2.0"u8);
                SkipValue(ref reader);
            }
            else if (reader.ValueTextEquals("rawPath"u8))
            {
                fields.RawPath = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("rawQueryString"u8))
            {
                fields.RawQueryString = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("cookies"u8))
            {
                reader.Read();
                fields.Cookies = reader;
                fields.CookieCount = Count(ref reader, JsonTokenType.StartArray);
            }
            else if (reader.ValueTextEquals("httpMethod"u8))
            {
                fields.HttpMethod = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("path"u8))
            {
                fields.Path = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("resource"u8))
            {
                reader.Read();
                fields.HasResource = reader.TokenType == JsonTokenType.String;
                SkipValue(ref reader);
            }
            else if (reader.ValueTextEquals("multiValueHeaders"u8))
            {
                reader.Read();
                fields.MultiHeaders = reader;
                fields.MultiHeaderCount = Count(ref reader, JsonTokenType.StartObject);
            }
            else if (reader.ValueTextEquals("queryStringParameters"u8))
            {
                reader.Read();
                fields.Query = reader;
                fields.QueryCount = Count(ref reader, JsonTokenType.StartObject);
            }
            else if (reader.ValueTextEquals("multiValueQueryStringParameters"u8))
            {
                reader.Read();
                fields.MultiQuery = reader;
                fields.MultiQueryCount = Count(ref reader, JsonTokenType.StartObject);
            }
            else
            {
                reader.Read();
                SkipValue(ref reader);
            }
        }

        // The root's end; a further Read is false at the end of the payload and throws on anything after it.
        return reader.TokenType == JsonTokenType.EndObject && !reader.Read();
    }

    // requestContext: stage, domainName, requestId and http.{method, path}. A later requestContext replaces all of it.
    private static void ReadContext(ref Utf8JsonReader reader, ref EventFields fields)
    {
        reader.Read();
        fields.HasContext = reader.TokenType == JsonTokenType.StartObject;
        fields.Stage = null;
        fields.IsFunctionUrl = false;
        fields.RequestId = null;
        fields.HasHttp = false;
        fields.Method = null;
        fields.HttpPath = null;
        if (!fields.HasContext)
        {
            SkipValue(ref reader);
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("http"u8))
            {
                ReadHttp(ref reader, ref fields);
            }
            else if (reader.ValueTextEquals("requestId"u8))
            {
                fields.RequestId = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("stage"u8))
            {
                reader.Read();
                // The default stage, like none, strips nothing: no string is needed for it.
                fields.Stage = reader.TokenType != JsonTokenType.String || reader.ValueTextEquals("$default"u8) ? null : reader.GetString();
                SkipValue(ref reader);
            }
            else if (reader.ValueTextEquals("domainName"u8))
            {
                reader.Read();
                fields.IsFunctionUrl = reader.TokenType == JsonTokenType.String && IsFunctionUrlDomain(ref reader);
                SkipValue(ref reader);
            }
            else
            {
                reader.Read();
                SkipValue(ref reader);
            }
        }
    }

    private static void ReadHttp(ref Utf8JsonReader reader, ref EventFields fields)
    {
        reader.Read();
        fields.HasHttp = reader.TokenType == JsonTokenType.StartObject;
        fields.Method = null;
        fields.HttpPath = null;
        if (!fields.HasHttp)
        {
            SkipValue(ref reader);
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("method"u8))
            {
                reader.Read();
                fields.Method = reader.TokenType == JsonTokenType.String ? Method(ref reader) : null;
                SkipValue(ref reader);
            }
            else if (reader.ValueTextEquals("path"u8))
            {
                fields.HttpPath = ReadString(ref reader);
            }
            else
            {
                reader.Read();
                SkipValue(ref reader);
            }
        }
    }

    private static bool TryBuildV2(ref EventFields fields, out HttpEvent httpEvent)
    {
        httpEvent = null!;
        if (fields.Method is not { Length: > 0 } method)
        {
            return false; // the document path's "no requestContext.http.method"
        }

        var headers = new HeaderMap.Builder(Math.Max(fields.HeaderCount + 1, 1));
        if (fields.HeaderCount >= 0 && !AddSingleValues(ref fields.Headers, headers, query: null))
        {
            return false;
        }

        // API Gateway removes Cookie from headers and splits it into cookies[]; put it back the way clients send it.
        if (fields.CookieCount > 0)
        {
            if (!TryJoinCookies(ref fields.Cookies, out var joined))
            {
                return false;
            }

            if (joined.Length > 0)
            {
                headers.Add("Cookie", joined);
            }
        }

        if (!TryReadBody(ref fields, out var body, out var bodyProblem))
        {
            return false;
        }

        var path = ApiGatewayRequestMapper.StripStage(fields.RawPath ?? fields.HttpPath ?? "/", fields.Stage);
        var built = headers.Build();
        httpEvent = new HttpEvent(
            fields.IsFunctionUrl ? HttpEventFormat.FunctionUrl : HttpEventFormat.HttpApiV2,
            new PortableHttpRequest
            {
                Method = method,
                Path = ApiGatewayRequestMapper.NormalizePath(path),
                QueryString = fields.RawQueryString ?? string.Empty,
                Headers = built,
                Body = body,
            },
            fields.RequestId,
            built["traceparent"])
        {
            Rejection = ApiGatewayRequestMapper.Rejection(bodyProblem),
        };
        return true;
    }

    private static bool TryBuildV1(ref EventFields fields, out HttpEvent httpEvent)
    {
        httpEvent = null!;
        var headers = new HeaderMap.Builder(Math.Max(Math.Max(fields.MultiHeaderCount, fields.HeaderCount), 1));
        var headersRead = fields.MultiHeaderCount > 0
            ? AddMultiValues(ref fields.MultiHeaders, headers, query: null)
            : fields.HeaderCount < 0 || AddSingleValues(ref fields.Headers, headers, query: null);
        if (!headersRead)
        {
            return false;
        }

        // REST v1 hands over decoded query values; re-encode them into a raw query string.
        var query = new StringBuilder();
        var queryRead = fields.MultiQueryCount > 0
            ? AddMultiValues(ref fields.MultiQuery, headers: null, query)
            : fields.QueryCount < 0 || AddSingleValues(ref fields.Query, headers: null, query);
        if (!queryRead || !TryReadBody(ref fields, out var body, out var bodyProblem))
        {
            return false;
        }

        // `path` is the resource path without the stage (requestContext.path is the one that carries it).
        var built = headers.Build();
        httpEvent = new HttpEvent(
            HttpEventFormat.RestV1,
            new PortableHttpRequest
            {
                Method = fields.HttpMethod!.ToUpperInvariant(),
                Path = ApiGatewayRequestMapper.NormalizePath(fields.Path ?? "/"),
                QueryString = query.ToString(),
                Headers = built,
                Body = body,
            },
            fields.HasContext ? fields.RequestId : null,
            built["traceparent"])
        {
            Rejection = ApiGatewayRequestMapper.Rejection(bodyProblem),
        };
        return true;
    }

    // An object of name → scalar (a null skipped) into headers or a query string; false on any other value.
    private static bool AddSingleValues(ref Utf8JsonReader kept, HeaderMap.Builder? headers, StringBuilder? query)
    {
        var reader = kept;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (!TryScalarText(ref reader, out var value))
            {
                return false;
            }

            if (value is not null && !Add(headers, query, name, value))
            {
                return false;
            }
        }

        return true;
    }

    // REST v1's multiValue* objects: name → array of scalars (nulls skipped), or a single scalar.
    private static bool AddMultiValues(ref Utf8JsonReader kept, HeaderMap.Builder? headers, StringBuilder? query)
    {
        var reader = kept;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                if (!TryScalarText(ref reader, out var single) || (single is not null && !Add(headers, query, name, single)))
                {
                    return false;
                }

                continue;
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (!TryScalarText(ref reader, out var value) || (value is not null && !Add(headers, query, name, value)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool Add(HeaderMap.Builder? headers, StringBuilder? query, string name, string value)
    {
        if (headers is not null)
        {
            if (name.Length == 0)
            {
                return false; // the builder refuses an empty name: let the document path meet that as it always has
            }

            headers.Add(name, value);
        }
        else
        {
            ApiGatewayRequestMapper.AppendQuery(query!, name, value);
        }

        return true;
    }

    // A scalar's text as the document path takes it (a string's value, a number's or literal's JSON text); null for a
    // JSON null; false for an object or array, which that path refuses.
    private static bool TryScalarText(ref Utf8JsonReader reader, out string? text)
    {
        text = reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            _ => null,
        };
        return text is not null || reader.TokenType == JsonTokenType.Null;
    }

    private static bool TryJoinCookies(ref Utf8JsonReader kept, out string joined)
    {
        joined = string.Empty;
        var reader = kept;
        StringBuilder? builder = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            if (reader.TokenType != JsonTokenType.String)
            {
                return false; // GetString on a number or object fails the document path
            }

            var cookie = reader.GetString() ?? string.Empty;
            if (cookie.Length == 0)
            {
                continue;
            }

            if (joined.Length == 0)
            {
                joined = cookie;
            }
            else
            {
                (builder ??= new StringBuilder(joined)).Append("; ").Append(cookie);
            }
        }

        if (builder is not null)
        {
            joined = builder.ToString();
        }

        return true;
    }

    // The body's bytes (UTF-8 text taken as it lies in the payload when it holds no escape), or the base64 problem.
    private static bool TryReadBody(ref EventFields fields, out ReadOnlyMemory<byte> body, out string? problem)
    {
        body = ReadOnlyMemory<byte>.Empty;
        problem = null;
        if (fields.BodyKind is JsonTokenType.None or JsonTokenType.Null)
        {
            return true;
        }

        if (fields.BodyKind != JsonTokenType.String)
        {
            return false; // a number or object: the document path's GetString refuses it
        }

        ref var reader = ref fields.Body;
        if (fields.IsBase64)
        {
            problem = ApiGatewayRequestMapper.DecodeBase64(reader.GetString()!, out body);
            return true;
        }

        if (reader.ValueIsEscaped)
        {
            body = Encoding.UTF8.GetBytes(reader.GetString()!);
            return true;
        }

        if (!Utf8.IsValid(reader.ValueSpan))
        {
            return false;
        }

        body = reader.ValueSpan.ToArray();
        return true;
    }

    // Passes over the value the reader stands at (kept by the caller) and returns how many properties or items it holds
    // when it is an object or array of the expected kind; -1 for another kind (the document path then treats the field
    // as absent).
    private static int Count(ref Utf8JsonReader reader, JsonTokenType kind)
    {
        if (reader.TokenType != kind)
        {
            SkipValue(ref reader);
            return -1;
        }

        var depth = reader.CurrentDepth;
        var count = 0;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.CurrentDepth == depth + 1 && reader.TokenType is not (JsonTokenType.EndObject or JsonTokenType.EndArray))
            {
                // One per property name in an object; one per value in an array (its start token, for a container).
                if (kind == JsonTokenType.StartArray || reader.TokenType == JsonTokenType.PropertyName)
                {
                    count++;
                }
            }
        }

        return count;
    }

    private static void SkipValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            reader.Skip();
        }
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        var value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        SkipValue(ref reader);
        return value;
    }

    // The method upper-case; the common ones without a string of their own.
    private static string Method(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("GET"u8) ? "GET"
        : reader.ValueTextEquals("POST"u8) ? "POST"
        : reader.ValueTextEquals("PUT"u8) ? "PUT"
        : reader.ValueTextEquals("DELETE"u8) ? "DELETE"
        : reader.ValueTextEquals("PATCH"u8) ? "PATCH"
        : reader.GetString()!.ToUpperInvariant();

    // A Function URL's domain is *.lambda-url.*; read from the bytes when they are plain ASCII, as most are.
    private static bool IsFunctionUrlDomain(ref Utf8JsonReader reader)
    {
        var marker = ".lambda-url."u8;
        var domain = reader.ValueSpan;
        if (reader.ValueIsEscaped || !System.Text.Ascii.IsValid(domain))
        {
            return ApiGatewayRequestMapper.IsFunctionUrlDomain(reader.GetString()!);
        }

        for (var i = 0; i + marker.Length <= domain.Length; i++)
        {
            if (domain[i] == (byte)'.' && System.Text.Ascii.EqualsIgnoreCase(domain.Slice(i, marker.Length), marker))
            {
                return true;
            }
        }

        return false;
    }

    // What the root pass collected. Kept readers stand at the start of their value, to be read once the shape is known.
    private ref struct EventFields
    {
        public EventFields()
        {
        }

        public bool Version2;
        public string? RawPath;
        public string? RawQueryString;
        public string? HttpMethod;
        public string? Path;
        public bool HasResource;
        public bool HasContext;
        public string? Stage;
        public bool IsFunctionUrl;
        public string? RequestId;
        public bool HasHttp;
        public string? Method;
        public string? HttpPath;
        public bool IsBase64;
        public JsonTokenType BodyKind;
        public Utf8JsonReader Body;
        public int HeaderCount = -1; // -1: absent, or not of its kind
        public Utf8JsonReader Headers;
        public int MultiHeaderCount = -1; // -1: absent, or not of its kind
        public Utf8JsonReader MultiHeaders;
        public int QueryCount = -1; // -1: absent, or not of its kind
        public Utf8JsonReader Query;
        public int MultiQueryCount = -1; // -1: absent, or not of its kind
        public Utf8JsonReader MultiQuery;
        public int CookieCount = -1; // -1: absent, or not of its kind
        public Utf8JsonReader Cookies;
    }
}
