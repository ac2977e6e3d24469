using System.Buffers;
using System.Text.Json;

namespace Portable.Benchmarks;

/// <summary>API Gateway HTTP API (payload 2.0) events, shaped like protocols/samples/aws-apigw-v2-request.json.</summary>
internal static class ApiGatewayEvents
{
    /// <summary>The request every variant answers in the benchmark: <c>GET /items?limit=1</c>.</summary>
    public static byte[] ListOneItem { get; } = Build("GET", "/items", "limit=1", body: null);

    /// <summary><c>POST /items</c> with one item, sent once before the warm load so the page it lists is not empty.</summary>
    public static byte[] CreateItem { get; } = Build("POST", "/items", string.Empty, """{"name":"widget","price":9.5}""");

    /// <summary>True when a Lambda result is an API Gateway v2 response with a 2xx status.</summary>
    public static bool IsSuccess(ReadOnlySpan<byte> lambdaResult, out int statusCode)
    {
        statusCode = 0;
        var reader = new Utf8JsonReader(lambdaResult);
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("statusCode"u8))
            {
                reader.Read();
                statusCode = reader.GetInt32();
                return statusCode is >= 200 and < 300;
            }
        }

        return false;
    }

    private static byte[] Build(string method, string path, string query, string? body)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("version", "2.0");
            json.WriteString("routeKey", "$default");
            json.WriteString("rawPath", path);
            json.WriteString("rawQueryString", query);
            json.WriteStartObject("headers");
            json.WriteString("accept", "application/json");
            json.WriteString("host", "bench.execute-api.us-east-1.amazonaws.com");
            json.WriteString("user-agent", "portable-benchmark");
            if (body is not null)
            {
                json.WriteString("content-type", "application/json");
            }

            json.WriteEndObject();
            if (query.Length > 0)
            {
                json.WriteStartObject("queryStringParameters");
                foreach (var pair in query.Split('&'))
                {
                    var (name, value) = pair.IndexOf('=', StringComparison.Ordinal) is var at and >= 0 ? (pair[..at], pair[(at + 1)..]) : (pair, string.Empty);
                    json.WriteString(name, value);
                }

                json.WriteEndObject();
            }

            json.WriteStartObject("requestContext");
            json.WriteString("accountId", "123456789012");
            json.WriteString("apiId", "bench");
            json.WriteString("domainName", "bench.execute-api.us-east-1.amazonaws.com");
            json.WriteString("domainPrefix", "bench");
            json.WriteStartObject("http");
            json.WriteString("method", method);
            json.WriteString("path", path);
            json.WriteString("protocol", "HTTP/1.1");
            json.WriteString("sourceIp", "127.0.0.1");
            json.WriteString("userAgent", "portable-benchmark");
            json.WriteEndObject();
            json.WriteString("requestId", "bench-request");
            json.WriteString("routeKey", "$default");
            json.WriteString("stage", "$default");
            json.WriteString("time", "01/Jan/2026:00:00:00 +0000");
            json.WriteNumber("timeEpoch", 1767225600000);
            json.WriteEndObject();
            if (body is not null)
            {
                json.WriteString("body", body);
            }

            json.WriteBoolean("isBase64Encoded", false);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
