using System.Text;
using System.Text.Json;
using Portable.Aws.Events;
using Portable.Core.Http;

namespace Portable.Aws.Tests.Events;

public class ApiGatewayResponseWriterTests
{
    private static JsonElement Write(HttpEventFormat format, PortableHttpResponse response) =>
        JsonDocument.Parse(ApiGatewayResponseWriter.Write(format, response)).RootElement.Clone();

    private static PortableHttpResponse Response(string contentType, byte[] body, params (string Name, string Value)[] extra)
    {
        var headers = new HeaderMap.Builder().Add("Content-Type", contentType);
        foreach (var (name, value) in extra)
        {
            headers.Add(name, value);
        }

        return new PortableHttpResponse { StatusCode = 201, Headers = headers.Build(), Body = body };
    }

    [Fact]
    public void Write_V2JsonBody_WritesTextBodyAndHeaders()
    {
        var json = Write(HttpEventFormat.HttpApiV2, Response("application/json; charset=utf-8", Encoding.UTF8.GetBytes("{\"id\":\"é\"}"), ("ETag", "\"1\"")));

        Assert.Equal(201, json.GetProperty("statusCode").GetInt32());
        Assert.Equal("application/json; charset=utf-8", json.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Equal("\"1\"", json.GetProperty("headers").GetProperty("ETag").GetString());
        Assert.Equal("{\"id\":\"é\"}", json.GetProperty("body").GetString());
        Assert.False(json.GetProperty("isBase64Encoded").GetBoolean());
    }

    [Fact]
    public void Write_V2SetCookies_MovesThemToCookiesAndJoinsOtherRepeatedHeaders()
    {
        var json = Write(HttpEventFormat.FunctionUrl, Response("text/plain", "ok"u8.ToArray(), ("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2"), ("Vary", "Accept"), ("Vary", "Origin")));

        Assert.Equal(["a=1; Path=/", "b=2"], json.GetProperty("cookies").EnumerateArray().Select(c => c.GetString()));
        Assert.False(json.GetProperty("headers").TryGetProperty("Set-Cookie", out _));
        Assert.Equal("Accept,Origin", json.GetProperty("headers").GetProperty("Vary").GetString());
    }

    [Fact]
    public void Write_BinaryBody_Base64EncodesIt()
    {
        byte[] bytes = [0, 1, 2, 250, 255];
        var v2 = Write(HttpEventFormat.HttpApiV2, Response("application/octet-stream", bytes));
        var v1 = Write(HttpEventFormat.RestV1, Response("image/png", bytes));

        Assert.True(v2.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal(bytes, Convert.FromBase64String(v2.GetProperty("body").GetString()!));
        Assert.True(v1.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal(bytes, Convert.FromBase64String(v1.GetProperty("body").GetString()!));
    }

    [Fact]
    public void Write_TextualTypeWithInvalidUtf8_Base64EncodesIt()
    {
        var json = Write(HttpEventFormat.HttpApiV2, Response("text/plain", [0xC3, 0x28]));

        Assert.True(json.GetProperty("isBase64Encoded").GetBoolean());
    }

    [Fact]
    public void Write_RestV1_WritesSingleAndMultiValueHeaders()
    {
        var json = Write(HttpEventFormat.RestV1, Response("application/json", "{}"u8.ToArray(), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")));

        Assert.Equal("application/json", json.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.False(json.GetProperty("headers").TryGetProperty("Set-Cookie", out _));
        Assert.Equal(["a=1", "b=2"], json.GetProperty("multiValueHeaders").GetProperty("Set-Cookie").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["application/json"], json.GetProperty("multiValueHeaders").GetProperty("Content-Type").EnumerateArray().Select(c => c.GetString()));
        Assert.False(json.TryGetProperty("cookies", out _));
    }

    [Fact]
    public void Write_EmptyBody_WritesEmptyTextBody()
    {
        var json = Write(HttpEventFormat.HttpApiV2, PortableHttpResponse.Empty(204));

        Assert.Equal(204, json.GetProperty("statusCode").GetInt32());
        Assert.Equal(string.Empty, json.GetProperty("body").GetString());
        Assert.False(json.GetProperty("isBase64Encoded").GetBoolean());
    }

    [Theory]
    [InlineData("application/problem+json", true)]
    [InlineData("text/html; charset=utf-8", true)]
    [InlineData("application/xml", true)]
    [InlineData("application/octet-stream", false)]
    [InlineData(null, false)]
    public void IsText_ContentType_DecidesEncoding(string? contentType, bool expected)
    {
        Assert.Equal(expected, ApiGatewayResponseWriter.IsText(contentType, "x"u8));
    }
}
