using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Portable.Emulators.Aws;

/// <summary>
/// An HTTP front door on a free loopback port that plays API Gateway (HTTP API 2.0 or REST v1 proxy) or a Lambda
/// Function URL: each real HTTP request becomes that event, is invoked through a <see cref="LambdaRuntimeApiEmulator"/>,
/// and the Lambda result becomes the HTTP response — a function error or an unreadable result is a 502, as the
/// gateway answers. Event fields follow
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html and
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html.
/// </summary>
public sealed class ApiGatewayEmulator : IAsyncDisposable
{
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive",
    };

    private static readonly byte[] RestRequestTooLong = Encoding.UTF8.GetBytes("{\"message\": \"Request Too Long\"}");

    private readonly WebApplication _app;
    private readonly LambdaRuntimeApiEmulator _lambda;
    private readonly ApiGatewayEmulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly string _stage;
    private readonly string? _stagePrefix;

    private ApiGatewayEmulator(WebApplication app, LambdaRuntimeApiEmulator lambda, ApiGatewayEmulatorOptions options)
    {
        _app = app;
        _lambda = lambda;
        _options = options;
        _time = options.TimeProvider;
        _stage = options.Format switch
        {
            ApiGatewayEventFormat.RestV1 => string.IsNullOrEmpty(options.Stage) ? "prod" : options.Stage,
            ApiGatewayEventFormat.HttpApiV2 => string.IsNullOrEmpty(options.Stage) ? "$default" : options.Stage,
            _ => "$default",
        };
        _stagePrefix = _stage == "$default" ? null : "/" + _stage;
    }

    /// <summary>The event shape this gateway produces.</summary>
    public ApiGatewayEventFormat Format => _options.Format;

    /// <summary>The stage written into <c>requestContext.stage</c> (<c>$default</c> when none).</summary>
    public string Stage => _stage;

    /// <summary>Where to send requests, stage included: e.g. <c>http://127.0.0.1:5123/prod/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The server's root address, without the stage.</summary>
    public Uri RootAddress { get; private set; } = null!;

    /// <summary>Starts the gateway in front of <paramref name="lambda"/>.</summary>
    public static async Task<ApiGatewayEmulator> StartAsync(LambdaRuntimeApiEmulator lambda, ApiGatewayEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lambda);
        options ??= new ApiGatewayEmulatorOptions();
        // No body limit in Kestrel: the gateway's own 413 comes from MaxRequestBodyBytes.
        var app = LoopbackServer.Create("Portable.Emulators.ApiGatewayEmulator", options.Port, k => k.Limits.MaxRequestBodySize = null);
        var gateway = new ApiGatewayEmulator(app, lambda, options);
        app.Run(gateway.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        gateway.RootAddress = LoopbackServer.BaseAddress(app);
        gateway.BaseAddress = new Uri(gateway.RootAddress, gateway._stagePrefix is null ? "/" : gateway._stagePrefix + "/");
        return gateway;
    }

    /// <summary>Builds the event this gateway would send for a request (exposed for tests and the compare command).</summary>
    public byte[] BuildEvent(GatewayRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _options.Format == ApiGatewayEventFormat.RestV1 ? BuildRestV1Event(request) : BuildV2Event(request);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var requestId = Guid.NewGuid().ToString();
        var isRest = _options.Format == ApiGatewayEventFormat.RestV1;
        context.Response.Headers[isRest || _options.Format == ApiGatewayEventFormat.FunctionUrl ? "x-amzn-RequestId" : "apigw-requestid"] = requestId;

        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (context.Request.Path + context.Request.QueryString).ToString();
        var q = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = q < 0 ? rawTarget : rawTarget[..q];
        var rawQuery = q < 0 ? string.Empty : rawTarget[(q + 1)..];
        if (_stagePrefix is not null && !(rawPath == _stagePrefix || rawPath.StartsWith(_stagePrefix + "/", StringComparison.Ordinal)))
        {
            // A REST API answers an unknown resource with 403 "Missing Authentication Token"; an HTTP API with 404.
            await (isRest
                ? WriteMessageAsync(context, 403, "Missing Authentication Token")
                : WriteMessageAsync(context, 404, "Not Found")).ConfigureAwait(false);
            return;
        }

        var body = await BoundedBody.ReadAsync(context.Request, _options.MaxRequestBodyBytes).ConfigureAwait(false);
        if (body is null)
        {
            await WriteMessageAsync(context, 413, "Request Entity Too Large").ConfigureAwait(false);
            return;
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in context.Request.Headers)
        {
            foreach (var value in values)
            {
                headers.Add(new(name, value ?? string.Empty));
            }
        }

        var traceRoot = $"Root=1-{_time.GetUtcNow().ToUnixTimeSeconds().ToString("x8", CultureInfo.InvariantCulture)}-{Guid.NewGuid().ToString("N")[..24]}";
        headers.Add(new("X-Amzn-Trace-Id", traceRoot));
        headers.Add(new("X-Forwarded-For", context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1"));
        headers.Add(new("X-Forwarded-Port", context.Connection.LocalPort.ToString(CultureInfo.InvariantCulture)));
        headers.Add(new("X-Forwarded-Proto", context.Request.Scheme));

        var request = new GatewayRequest(
            context.Request.Method.ToUpperInvariant(),
            rawPath,
            rawQuery,
            headers,
            body,
            requestId,
            context.Request.Protocol,
            context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1",
            context.Request.Host.Value ?? RootAddress.Authority);

        var invocation = _lambda.InvokeAsync(
            new LambdaInvocationRequest
            {
                Payload = BuildEvent(request),
                Timeout = _options.FunctionTimeout,
                TraceId = traceRoot + $";Parent={Guid.NewGuid().ToString("N")[..16]};Sampled=0",
            },
            context.RequestAborted);

        var integrationTimeout = _options.IntegrationTimeout ?? _options.Format switch
        {
            ApiGatewayEventFormat.HttpApiV2 => TimeSpan.FromSeconds(30),
            ApiGatewayEventFormat.RestV1 => TimeSpan.FromSeconds(29),
            _ => _options.FunctionTimeout + TimeSpan.FromSeconds(1),
        };

        LambdaInvocationResult result;
        try
        {
            result = await invocation.WaitAsync(integrationTimeout, _time, context.RequestAborted).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // REST: 504 "Endpoint request timed out". HTTP API: 503 "Service Unavailable" [unverified: from memory].
            await (isRest
                ? WriteMessageAsync(context, 504, "Endpoint request timed out")
                : WriteMessageAsync(context, 503, "Service Unavailable")).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the client went away
        }

        if (result.Outcome == LambdaInvocationOutcome.RequestTooLarge)
        {
            await WriteInvokeTooLargeAsync(context, result).ConfigureAwait(false);
            return;
        }

        if (!result.IsSuccess || !TryReadResult(result.Payload, out var response))
        {
            await WriteMessageAsync(context, 502, isRest ? "Internal server error" : "Internal Server Error").ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = response.StatusCode;
        foreach (var (name, values) in response.Headers)
        {
            if (!NotForwarded.Contains(name))
            {
                context.Response.Headers.Append(name, values.ToArray());
            }
        }

        if (response.Body.Length > 0)
        {
            context.Response.ContentLength = response.Body.Length;
            await context.Response.Body.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private byte[] BuildV2Event(GatewayRequest request)
    {
        var now = _time.GetUtcNow();
        var isUrl = _options.Format == ApiGatewayEventFormat.FunctionUrl;
        var region = _lambda.Options.Region;
        var buffer = new ArrayBufferWriter<byte>(1024 + (request.Body.Length * 4 / 3));
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("version", "2.0");
            w.WriteString("routeKey", "$default");
            w.WriteString("rawPath", request.RawPath);
            w.WriteString("rawQueryString", request.RawQueryString);

            var cookies = request.Headers.Where(h => h.Key.Equals("Cookie", StringComparison.OrdinalIgnoreCase))
                .SelectMany(h => h.Value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                .ToArray();
            if (cookies.Length > 0)
            {
                w.WriteStartArray("cookies");
                foreach (var cookie in cookies)
                {
                    w.WriteStringValue(cookie);
                }

                w.WriteEndArray();
            }

            // Names lower-cased, repeated headers comma-joined, Cookie moved to cookies[].
            w.WriteStartObject("headers");
            foreach (var group in request.Headers.Where(h => !h.Key.Equals("Cookie", StringComparison.OrdinalIgnoreCase))
                         .GroupBy(h => h.Key.ToLowerInvariant(), StringComparer.Ordinal))
            {
                w.WriteString(group.Key, string.Join(",", group.Select(h => h.Value)));
            }

            w.WriteEndObject();

            var query = ParseQuery(request.RawQueryString);
            if (query.Count > 0)
            {
                w.WriteStartObject("queryStringParameters");
                foreach (var (name, values) in query)
                {
                    w.WriteString(name, string.Join(",", values));
                }

                w.WriteEndObject();
            }

            w.WriteStartObject("requestContext");
            w.WriteString("accountId", isUrl ? "anonymous" : _lambda.Options.AccountId);
            w.WriteString("apiId", _options.ApiId);
            w.WriteString("domainName", isUrl ? $"{_options.ApiId}.lambda-url.{region}.on.aws" : $"{_options.ApiId}.execute-api.{region}.amazonaws.com");
            w.WriteString("domainPrefix", _options.ApiId);
            w.WriteStartObject("http");
            w.WriteString("method", request.Method);
            w.WriteString("path", request.RawPath);
            w.WriteString("protocol", request.Protocol);
            w.WriteString("sourceIp", request.SourceIp);
            w.WriteString("userAgent", Header(request, "User-Agent") ?? string.Empty);
            w.WriteEndObject();
            w.WriteString("requestId", request.RequestId);
            w.WriteString("routeKey", "$default");
            w.WriteString("stage", _stage);
            w.WriteString("time", now.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture));
            w.WriteNumber("timeEpoch", now.ToUnixTimeMilliseconds());
            w.WriteEndObject();

            WriteBody(w, request, omitWhenEmpty: true);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private byte[] BuildRestV1Event(GatewayRequest request)
    {
        var now = _time.GetUtcNow();
        var rawResourcePath = _stagePrefix is not null && request.RawPath.StartsWith(_stagePrefix, StringComparison.Ordinal)
            ? request.RawPath[_stagePrefix.Length..]
            : request.RawPath;
        if (rawResourcePath.Length == 0)
        {
            rawResourcePath = "/";
        }

        // REST v1 hands the function decoded paths and query values.
        var path = Uri.UnescapeDataString(rawResourcePath);
        var resource = path == "/" ? "/" : "/{proxy+}";
        var buffer = new ArrayBufferWriter<byte>(1024 + (request.Body.Length * 4 / 3));
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("resource", resource);
            w.WriteString("path", path);
            w.WriteString("httpMethod", request.Method);

            var headers = request.Headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase).ToArray();
            w.WriteStartObject("headers");
            foreach (var group in headers)
            {
                w.WriteString(group.Key, group.Last().Value);
            }

            w.WriteEndObject();
            w.WriteStartObject("multiValueHeaders");
            foreach (var group in headers)
            {
                w.WriteStartArray(group.Key);
                foreach (var header in group)
                {
                    w.WriteStringValue(header.Value);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();

            var query = ParseQuery(request.RawQueryString);
            if (query.Count == 0)
            {
                w.WriteNull("queryStringParameters");
                w.WriteNull("multiValueQueryStringParameters");
            }
            else
            {
                w.WriteStartObject("queryStringParameters");
                foreach (var (name, values) in query)
                {
                    w.WriteString(name, values[^1]);
                }

                w.WriteEndObject();
                w.WriteStartObject("multiValueQueryStringParameters");
                foreach (var (name, values) in query)
                {
                    w.WriteStartArray(name);
                    foreach (var value in values)
                    {
                        w.WriteStringValue(value);
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            if (resource == "/")
            {
                w.WriteNull("pathParameters");
            }
            else
            {
                w.WriteStartObject("pathParameters");
                w.WriteString("proxy", path.TrimStart('/'));
                w.WriteEndObject();
            }

            w.WriteNull("stageVariables");
            w.WriteStartObject("requestContext");
            w.WriteString("accountId", _lambda.Options.AccountId);
            w.WriteString("resourceId", "emu001");
            w.WriteString("stage", _stage);
            w.WriteString("requestId", request.RequestId);
            w.WriteStartObject("identity");
            w.WriteString("sourceIp", request.SourceIp);
            w.WriteString("userAgent", Header(request, "User-Agent") ?? string.Empty);
            w.WriteEndObject();
            w.WriteString("resourcePath", resource);
            w.WriteString("httpMethod", request.Method);
            w.WriteString("apiId", _options.ApiId);
            w.WriteString("path", Uri.UnescapeDataString(request.RawPath));
            w.WriteString("protocol", request.Protocol);
            w.WriteString("domainName", request.Host);
            w.WriteString("requestTime", now.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture));
            w.WriteNumber("requestTimeEpoch", now.ToUnixTimeMilliseconds());
            w.WriteEndObject();

            WriteBody(w, request, omitWhenEmpty: false);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    // Textual bodies travel as strings; anything else base64 (REST as if binaryMediaTypes covered it).
    private static void WriteBody(Utf8JsonWriter w, GatewayRequest request, bool omitWhenEmpty)
    {
        if (request.Body.Length == 0)
        {
            if (!omitWhenEmpty)
            {
                w.WriteNull("body");
            }

            w.WriteBoolean("isBase64Encoded", false);
            return;
        }

        var text = IsText(Header(request, "Content-Type"), request.Body);
        if (text)
        {
            w.WriteString("body", request.Body);
        }
        else
        {
            w.WriteBase64String("body", request.Body);
        }

        w.WriteBoolean("isBase64Encoded", !text);
    }

    private static bool IsText(string? contentType, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrWhiteSpace(contentType) || !Utf8.IsValid(body))
        {
            return false;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("xml", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/javascript", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
    }

    private static string? Header(GatewayRequest request, string name) =>
        request.Headers.LastOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    private static List<(string Name, List<string> Values)> ParseQuery(string rawQuery)
    {
        var result = new List<(string Name, List<string> Values)>();
        foreach (var pair in rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? string.Empty : Decode(pair[(eq + 1)..]);
            var index = result.FindIndex(e => e.Name == name);
            if (index < 0)
            {
                result.Add((name, [value]));
            }
            else
            {
                result[index].Values.Add(value);
            }
        }

        return result;

        static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
    }

    private bool TryReadResult(ReadOnlyMemory<byte> payload, out GatewayResponse response)
    {
        response = null!;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload);
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            var structured = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("statusCode", out _);
            if (!structured)
            {
                if (_options.Format == ApiGatewayEventFormat.RestV1)
                {
                    return false; // REST needs the proxy response shape: a malformed one is a 502
                }

                // Payload 2.0 infers a response from any other JSON: 200, application/json, the JSON as the body.
                response = new GatewayResponse(200, [new("Content-Type", ["application/json"])], payload.ToArray());
                return true;
            }

            try
            {
                response = ReadStructured(root, _options.Format == ApiGatewayEventFormat.RestV1);
                return true;
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException)
            {
                return false;
            }
        }
    }

    private static GatewayResponse ReadStructured(JsonElement root, bool isRest)
    {
        var statusElement = root.GetProperty("statusCode");
        var status = statusElement.ValueKind == JsonValueKind.String
            ? int.Parse(statusElement.GetString()!, NumberStyles.None, CultureInfo.InvariantCulture)
            : statusElement.GetInt32();
        if (status is < 100 or > 599)
        {
            throw new FormatException($"statusCode {status} is not an HTTP status.");
        }

        var headers = new List<KeyValuePair<string, List<string>>>();
        void Set(string name, IEnumerable<string> values)
        {
            headers.RemoveAll(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase));
            headers.Add(new(name, [.. values]));
        }

        if (root.TryGetProperty("headers", out var single) && single.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in single.EnumerateObject())
            {
                Set(header.Name, [Scalar(header.Value)]);
            }
        }

        // REST merges multiValueHeaders over headers (its values win for a name in both); payload 2.0 has none.
        if (isRest && root.TryGetProperty("multiValueHeaders", out var multi) && multi.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in multi.EnumerateObject())
            {
                if (header.Value.ValueKind == JsonValueKind.Array)
                {
                    Set(header.Name, header.Value.EnumerateArray().Select(Scalar));
                }
            }
        }

        if (!isRest && root.TryGetProperty("cookies", out var cookies) && cookies.ValueKind == JsonValueKind.Array)
        {
            var values = cookies.EnumerateArray().Select(Scalar).ToList();
            if (values.Count > 0)
            {
                headers.Add(new("Set-Cookie", values));
            }
        }

        byte[] body = [];
        if (root.TryGetProperty("body", out var bodyElement) && bodyElement.ValueKind == JsonValueKind.String)
        {
            var base64 = root.TryGetProperty("isBase64Encoded", out var flag) && flag.ValueKind == JsonValueKind.True;
            body = base64 ? Convert.FromBase64String(bodyElement.GetString()!) : Encoding.UTF8.GetBytes(bodyElement.GetString()!);
        }

        return new GatewayResponse(status, [.. headers.Select(h => new KeyValuePair<string, IReadOnlyList<string>>(h.Key, h.Value))], body);
    }

    private static string Scalar(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!,
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        _ => throw new InvalidOperationException($"A header value is a JSON {element.ValueKind}."),
    };

    // The event passed API Gateway's 10 MB quota but not Lambda's 6 MB invoke limit, so the function never ran.
    private Task WriteInvokeTooLargeAsync(HttpContext context, LambdaInvocationResult result)
    {
        switch (_options.Format)
        {
            case ApiGatewayEventFormat.RestV1:
                // REST: 413 {"message": "Request Too Long"}, x-amzn-ErrorType BadRequestException, as captured in
                // koki-develop/lgtm-generator#10 (the body byte for byte, 31 bytes).
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                context.Response.Headers["x-amzn-ErrorType"] = "BadRequestException";
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = RestRequestTooLong.Length;
                return context.Response.Body.WriteAsync(RestRequestTooLong).AsTask();
            case ApiGatewayEventFormat.FunctionUrl:
                // Function URL: Lambda's own Invoke error passed through [unverified: status and body from the Invoke API's].
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                context.Response.Headers["x-amzn-ErrorType"] = result.ErrorType;
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = result.ErrorBody.Length;
                return context.Response.Body.WriteAsync(result.ErrorBody).AsTask();
            default:
                // HTTP API: 413 with the gateway's own too-large message [unverified].
                return WriteMessageAsync(context, 413, "Request Entity Too Large");
        }
    }

    private static Task WriteMessageAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("message", message);
            w.WriteEndObject();
        }

        context.Response.ContentLength = buffer.WrittenCount;
        return context.Response.Body.WriteAsync(buffer.WrittenMemory).AsTask();
    }

    private sealed record GatewayResponse(int StatusCode, IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Headers, byte[] Body);
}
