using System.Text.Json;
using Portable.Core.Http;

namespace Portable.Testing;

/// <summary>
/// The JSON a Lambda function receives from API Gateway for a request, field by field as in the vendors' samples
/// (<c>protocols/samples/aws-apigw-v2-request.json</c>, <c>aws-apigw-rest-v1-proxy-request.json</c>) and the
/// API Gateway developer guide: feed it to a Lambda handler, an adapter's mapper or a Runtime API emulator.
/// </summary>
public static class ApiGatewayEvents
{
    /// <summary>
    /// An HTTP API event, payload format 2.0: lower-case header names with repeated values comma-joined, the
    /// <c>Cookie</c> header split into <c>cookies[]</c>, <c>rawPath</c> and <c>rawQueryString</c> as sent,
    /// <c>queryStringParameters</c> decoded and comma-joined, a text body as is and any other base64.
    /// </summary>
    public static byte[] HttpApiV2(PortableHttpRequest request, LambdaHttpEventOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        options ??= new LambdaHttpEventOptions();
        var stage = options.Stage ?? "$default";
        var domain = $"{options.ApiId}.execute-api.{options.Region}.amazonaws.com";
        return WriteVersion2(request, options, options.AccountId, domain, stage, options.RouteKey ?? "$default", withApiFields: true);
    }

    /// <summary>
    /// A REST API proxy-integration event (payload 1.0): <c>headers</c> and <c>queryStringParameters</c> with the last
    /// value of each name, <c>multiValueHeaders</c> and <c>multiValueQueryStringParameters</c> with all of them, the
    /// path decoded and without the stage, the resource <c>/{proxy+}</c> unless set.
    /// </summary>
    public static byte[] RestApiV1(PortableHttpRequest request, LambdaHttpEventOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        options ??= new LambdaHttpEventOptions();
        var stage = options.Stage ?? "prod";
        var time = options.Time ?? TestClock.Start;
        var path = Uri.UnescapeDataString(request.Path);
        var resource = options.Resource ?? (path == "/" ? "/" : "/{proxy+}");
        var pathParameters = options.PathParameters
            ?? (resource == "/{proxy+}" ? new Dictionary<string, string> { ["proxy"] = path.TrimStart('/') } : NullIfEmpty(request.RouteValues));
        var headers = WithForwardingHeaders(request, options, $"{options.ApiId}.execute-api.{options.Region}.amazonaws.com", lowerCase: false);
        var query = request.Query;

        return PayloadJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("resource", resource);
            w.WriteString("path", path);
            w.WriteString("httpMethod", request.Method);
            w.WriteStartObject("headers");
            foreach (var (name, values) in headers)
            {
                w.WriteString(name, values[^1]);
            }

            w.WriteEndObject();
            w.WriteStartObject("multiValueHeaders");
            foreach (var (name, values) in headers)
            {
                PayloadJson.WriteStringArray(w, name, values);
            }

            w.WriteEndObject();
            if (query.Names.Any())
            {
                w.WriteStartObject("queryStringParameters");
                foreach (var name in query.Names)
                {
                    w.WriteString(name, query.GetValues(name)[^1]);
                }

                w.WriteEndObject();
                w.WriteStartObject("multiValueQueryStringParameters");
                foreach (var name in query.Names)
                {
                    PayloadJson.WriteStringArray(w, name, query.GetValues(name));
                }

                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("queryStringParameters");
                w.WriteNull("multiValueQueryStringParameters");
            }

            WriteMapOrNull(w, "pathParameters", pathParameters);
            WriteMapOrNull(w, "stageVariables", options.StageVariables);
            w.WriteStartObject("requestContext");
            w.WriteString("accountId", options.AccountId);
            w.WriteString("resourceId", "abc123");
            w.WriteString("stage", stage);
            w.WriteString("requestId", options.RequestId ?? Guid.NewGuid().ToString("D"));
            w.WriteStartObject("identity");
            w.WriteString("sourceIp", options.SourceIp);
            w.WriteString("userAgent", request.Headers["User-Agent"] ?? string.Empty);
            w.WriteEndObject();
            w.WriteString("resourcePath", resource);
            w.WriteString("httpMethod", request.Method);
            w.WriteString("apiId", options.ApiId);
            w.WriteString("domainName", $"{options.ApiId}.execute-api.{options.Region}.amazonaws.com");
            w.WriteString("requestTime", PayloadJson.ApiGatewayTime(time));
            w.WriteNumber("requestTimeEpoch", PayloadJson.EpochMilliseconds(time));
            w.WriteEndObject();
            PayloadJson.WriteLambdaBody(w, request, nullWhenEmpty: true);
            w.WriteEndObject();
        });
    }

    /// <summary>The 2.0 shape both HTTP APIs and Function URLs send; Function URLs leave out the API-only fields.</summary>
    internal static byte[] WriteVersion2(
        PortableHttpRequest request, LambdaHttpEventOptions options, string accountId, string domain, string stage, string routeKey, bool withApiFields)
    {
        var time = options.Time ?? TestClock.Start;
        var rawPath = stage == "$default" ? request.Path : "/" + stage + request.Path;
        var headers = WithForwardingHeaders(request, options, domain, lowerCase: true);
        var cookies = request.Headers.GetValues("Cookie")
            .SelectMany(c => c.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .ToArray();
        var query = request.Query;
        var pathParameters = withApiFields ? options.PathParameters ?? NullIfEmpty(request.RouteValues) : null;

        return PayloadJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("version", "2.0");
            w.WriteString("routeKey", routeKey);
            w.WriteString("rawPath", rawPath);
            w.WriteString("rawQueryString", request.QueryString);
            if (cookies.Length > 0)
            {
                PayloadJson.WriteStringArray(w, "cookies", cookies);
            }

            w.WriteStartObject("headers");
            foreach (var (name, values) in headers)
            {
                if (name != "cookie")
                {
                    w.WriteString(name, string.Join(',', values));
                }
            }

            w.WriteEndObject();
            if (query.Names.Any())
            {
                PayloadJson.WriteStringMap(w, "queryStringParameters", query.Names.Select(n => KeyValuePair.Create(n, string.Join(',', query.GetValues(n)))));
            }

            w.WriteStartObject("requestContext");
            w.WriteString("accountId", accountId);
            w.WriteString("apiId", options.ApiId);
            w.WriteString("domainName", domain);
            w.WriteString("domainPrefix", options.ApiId);
            w.WriteStartObject("http");
            w.WriteString("method", request.Method);
            w.WriteString("path", rawPath);
            w.WriteString("protocol", "HTTP/1.1");
            w.WriteString("sourceIp", options.SourceIp);
            w.WriteString("userAgent", request.Headers["User-Agent"] ?? string.Empty);
            w.WriteEndObject();
            w.WriteString("requestId", options.RequestId ?? Guid.NewGuid().ToString("D"));
            w.WriteString("routeKey", routeKey);
            w.WriteString("stage", stage);
            w.WriteString("time", PayloadJson.ApiGatewayTime(time));
            w.WriteNumber("timeEpoch", PayloadJson.EpochMilliseconds(time));
            w.WriteEndObject();
            PayloadJson.WriteLambdaBody(w, request, nullWhenEmpty: false);
            if (pathParameters is not null)
            {
                PayloadJson.WriteStringMap(w, "pathParameters", pathParameters);
            }

            if (withApiFields && options.StageVariables is { Count: > 0 } stageVariables)
            {
                PayloadJson.WriteStringMap(w, "stageVariables", stageVariables);
            }

            w.WriteEndObject();
        });
    }

    /// <summary>
    /// The request's headers grouped by name, with the ones the front door adds when the caller did not send them
    /// (<c>Host</c>, <c>X-Forwarded-For</c>, <c>-Port</c>, <c>-Proto</c>, <c>Content-Length</c>).
    /// </summary>
    private static List<(string Name, IReadOnlyList<string> Values)> WithForwardingHeaders(
        PortableHttpRequest request, LambdaHttpEventOptions options, string domain, bool lowerCase)
    {
        var headers = request.Headers.Names
            .Select(name => (Name: lowerCase ? name.ToLowerInvariant() : name, Values: request.Headers.GetValues(name)))
            .ToList();

        void AddIfAbsent(string name, string value)
        {
            if (!request.Headers.Contains(name))
            {
                headers.Add((lowerCase ? name.ToLowerInvariant() : name, [value]));
            }
        }

        AddIfAbsent("Host", domain);
        AddIfAbsent("X-Forwarded-For", options.SourceIp);
        AddIfAbsent("X-Forwarded-Port", "443");
        AddIfAbsent("X-Forwarded-Proto", "https");
        if (!request.Body.IsEmpty)
        {
            AddIfAbsent("Content-Length", request.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return headers;
    }

    private static void WriteMapOrNull(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string>? values)
    {
        if (values is { Count: > 0 })
        {
            PayloadJson.WriteStringMap(w, name, values);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static IReadOnlyDictionary<string, string>? NullIfEmpty(IReadOnlyDictionary<string, string> values) => values.Count == 0 ? null : values;
}
