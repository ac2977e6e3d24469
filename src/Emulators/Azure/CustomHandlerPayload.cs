using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Portable.Emulators.Azure;

/// <summary>
/// The JSON the Functions host exchanges with a custom handler in payload mode (protocols README §1c), written
/// from the host's source: <c>Data.req</c> for an HTTP trigger, <c>Metadata.sys</c>, and the <c>http</c> output.
/// </summary>
public static class CustomHandlerPayload
{
    /// <summary>
    /// <c>Data.req</c> as the host builds it (<c>HttpRequestExtensions.GetRequestAsJObject</c>): <c>Url</c>,
    /// <c>Method</c>, <c>Query</c> (name → values joined with ","), <c>Headers</c> (name → array), <c>Params</c>
    /// (route values) and <c>Body</c> — a string, base64 for octet-stream and multipart, present only when
    /// <c>Content-Length</c> is above zero (a chunked body is lost, as on the host).
    /// </summary>
    public static JsonObject BuildHttpRequest(HttpRequest request, ReadOnlyMemory<byte> body, IReadOnlyDictionary<string, string> routeValues)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(routeValues);
        var query = new JsonObject();
        foreach (var (name, values) in request.Query)
        {
            query[name] = string.Join(',', values.ToArray());
        }

        var headers = new JsonObject();
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = new JsonArray([.. values.Select(v => JsonValue.Create(v ?? string.Empty))]);
        }

        var parameters = new JsonObject();
        foreach (var (name, value) in routeValues)
        {
            parameters[name] = value;
        }

        var req = new JsonObject
        {
            ["Url"] = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path.ToUriComponent()}{request.QueryString}",
            ["Method"] = request.Method,
            ["Query"] = query,
            ["Headers"] = headers,
            ["Params"] = parameters,
        };
        if (request.ContentLength > 0)
        {
            req["Body"] = IsOctetOrMultipart(request.ContentType)
                ? Convert.ToBase64String(body.Span)
                : Encoding.UTF8.GetString(body.Span);
        }

        return req;
    }

    /// <summary>
    /// <c>Metadata</c> for an HTTP invocation: the binding data the host passes — route values by name,
    /// <c>Query</c> and <c>Headers</c> — plus <c>sys</c>.
    /// </summary>
    public static JsonObject BuildHttpMetadata(JsonObject httpRequest, string functionName, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(httpRequest);
        var metadata = new JsonObject();
        if (httpRequest["Params"] is JsonObject parameters)
        {
            foreach (var (name, value) in parameters)
            {
                metadata[name] = value?.DeepClone();
            }
        }

        metadata["Query"] = httpRequest["Query"]?.DeepClone();
        metadata["Headers"] = httpRequest["Headers"]?.DeepClone();
        metadata["sys"] = BuildSys(functionName, timeProvider);
        return metadata;
    }

    /// <summary><c>Metadata.sys</c>: <c>MethodName</c> (the function), <c>UtcNow</c> (ISO 8601) and <c>RandGuid</c>.</summary>
    public static JsonObject BuildSys(string functionName, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return new JsonObject
        {
            ["MethodName"] = functionName,
            ["UtcNow"] = timeProvider.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["RandGuid"] = Guid.NewGuid().ToString(),
        };
    }

    /// <summary>The invocation body: <c>{"Data": data, "Metadata": metadata}</c>.</summary>
    public static JsonObject BuildInvocation(JsonObject data, JsonObject metadata) =>
        new() { ["Data"] = data, ["Metadata"] = metadata };

    /// <summary>
    /// Reads the HTTP response from an invocation result: <c>Outputs.{outputName}</c>, or <c>ReturnValue</c> when the
    /// output is named <c>$return</c>. The value may be an object or a string holding one (the host deserialises
    /// its text); <c>statusCode</c> (string or number, else <c>status</c>, else 200), <c>headers</c> and <c>body</c>
    /// (a string as is; any other JSON value as its text). An absent or unreadable output is an empty 200, as the
    /// host's empty <c>HttpOutputBindingResponse</c> is.
    /// </summary>
    public static HttpOutput ReadHttpOutput(CustomHandlerInvocationResult result, string outputName)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentException.ThrowIfNullOrEmpty(outputName);
        var node = outputName == "$return" ? result.ReturnValue : result.GetOutput(outputName);
        if (node is JsonValue text && text.TryGetValue<string>(out var json))
        {
            try
            {
                node = JsonNode.Parse(json, new JsonNodeOptions { PropertyNameCaseInsensitive = true });
            }
            catch (JsonException)
            {
                node = null;
            }
        }

        if (node is not JsonObject output)
        {
            return new HttpOutput(200, [], []);
        }

        var status = Scalar(Get(output, "statusCode")) ?? Scalar(Get(output, "status"));
        var code = int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 200;
        var headers = new List<KeyValuePair<string, string>>();
        if (Get(output, "headers") is JsonObject headerObject)
        {
            foreach (var (name, value) in headerObject)
            {
                if (value is JsonArray values)
                {
                    headers.AddRange(values.Select(v => new KeyValuePair<string, string>(name, Scalar(v) ?? string.Empty)));
                }
                else if (Scalar(value) is { } single)
                {
                    headers.Add(new(name, single));
                }
            }
        }

        var body = Get(output, "body") switch
        {
            null => [],
            JsonValue v when v.TryGetValue<string>(out var s) => Encoding.UTF8.GetBytes(s),
            var other => Encoding.UTF8.GetBytes(other.ToJsonString()),
        };
        return new HttpOutput(code, headers, body);
    }

    internal static JsonNode? Get(JsonObject node, string name)
    {
        if (node.TryGetPropertyValue(name, out var value))
        {
            return value;
        }

        return node.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
    }

    private static string? Scalar(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    private static bool IsOctetOrMultipart(string? contentType)
    {
        var mediaType = contentType?.Split(';', 2)[0].Trim();
        return mediaType is not null
            && (mediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase)
                || mediaType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase));
    }
}
