using System.Text;
using System.Text.Json;
using Portable.Azure.Hosting;
using Portable.Core.Http;
using Portable.TestKit;

namespace Portable.Azure.Tests.Hosting;

public class HttpPayloadTests
{
    private static JsonElement Req(string invocationJson)
    {
        using var document = JsonDocument.Parse(invocationJson);
        Assert.True(HttpPayload.TryGetData(document.RootElement, out var data));
        return data.GetProperty("req").Clone();
    }

    [Fact]
    public void TryReadRequest_RealNonForwardedSample_BuildsNeutralRequest()
    {
        var req = Req(RepoPaths.ReadSample("azure-customhandler-http-request-nonforwarded.json"));

        Assert.True(HttpPayload.TryReadRequest(req, "api", out var request, out var error), error);

        Assert.Equal("POST", request.Method);
        Assert.Equal("/order", request.Path);
        Assert.Equal(string.Empty, request.QueryString);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal("{\"id\":1005,\"quantity\":2,\"color\":\"black\"}", Encoding.UTF8.GetString(request.Body.Span));
    }

    [Fact]
    public void TryReadRequest_RealSampleWithoutRoutePrefix_KeepsFullPath()
    {
        var req = Req(RepoPaths.ReadSample("azure-customhandler-http-request-nonforwarded.json"));

        Assert.True(HttpPayload.TryReadRequest(req, string.Empty, out var request, out _));

        Assert.Equal("/api/order", request.Path);
    }

    [Fact]
    public void TryReadRequest_QueryObjectAndUrlWithoutQuery_UsesQueryObject()
    {
        var req = Req("""{"Data":{"req":{"Url":"http://h/items","Method":"get","Query":{"limit":"5","cursor":"a b"},"Headers":{}}}}""");

        Assert.True(HttpPayload.TryReadRequest(req, string.Empty, out var request, out _));

        Assert.Equal("GET", request.Method);
        Assert.Equal("5", request.Query["limit"]);
        Assert.Equal("a b", request.Query["cursor"]);
    }

    [Fact]
    public void TryReadRequest_UrlWithQuery_KeepsRawQueryString()
    {
        var req = Req("""{"Data":{"req":{"Url":"http://h/items?limit=2&x=%2F","Method":"GET","Query":{"limit":"ignored"}}}}""");

        Assert.True(HttpPayload.TryReadRequest(req, string.Empty, out var request, out _));

        Assert.Equal("limit=2&x=%2F", request.QueryString);
        Assert.Equal("/", request.Query["x"]);
    }

    [Fact]
    public void TryReadRequest_HeaderValuesAsArraysAndStrings_KeepsEveryValue()
    {
        var req = Req("""{"Data":{"req":{"Url":"http://h/x","Method":"GET","Headers":{"Accept":["a/b","c/d"],"X-One":"1"}}}}""");

        Assert.True(HttpPayload.TryReadRequest(req, string.Empty, out var request, out _));

        Assert.Equal(["a/b", "c/d"], request.Headers.GetValues("accept"));
        Assert.Equal("1", request.Headers["x-one"]);
    }

    [Fact]
    public void TryReadRequest_OctetStreamBody_DecodesBase64()
    {
        var req = Req("""{"Data":{"req":{"Url":"http://h/x","Method":"PUT","Headers":{"Content-Type":["application/octet-stream"]},"Body":"AAEC/w=="}}}""");

        Assert.True(HttpPayload.TryReadRequest(req, string.Empty, out var request, out _));

        Assert.Equal(new byte[] { 0, 1, 2, 255 }, request.Body.ToArray());
    }

    [Fact]
    public void TryReadRequest_NoBody_EmptyBody()
    {
        var req = Req("""{"Data":{"req":{"Url":"http://h/x","Method":"GET"}}}""");

        Assert.True(HttpPayload.TryReadRequest(req, string.Empty, out var request, out _));

        Assert.True(request.Body.IsEmpty);
    }

    [Theory]
    [InlineData("""{"Data":{"req":{"Method":"GET"}}}""", "Url")]
    [InlineData("""{"Data":{"req":{"Url":"/relative","Method":"GET"}}}""", "Url")]
    [InlineData("""{"Data":{"req":{"Url":"http://h/x"}}}""", "Method")]
    [InlineData("""{"Data":{"req":"text"}}""", "not an object")]
    public void TryReadRequest_MalformedReq_FailsNamingTheField(string json, string expected)
    {
        var req = Req(json);

        Assert.False(HttpPayload.TryReadRequest(req, string.Empty, out _, out var error));

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/items", "api", "/items")]
    [InlineData("/API/items/1", "api", "/items/1")]
    [InlineData("/api", "api", "/")]
    [InlineData("/apiary", "api", "/apiary")]
    [InlineData("/items", "", "/items")]
    [InlineData("/items", "api", "/items")]
    public void StripRoutePrefix_Path_RemovesWholeSegmentPrefixOnly(string path, string prefix, string expected) =>
        Assert.Equal(expected, HttpPayload.StripRoutePrefix(path, prefix));

    [Fact]
    public void WriteResponse_JsonResponse_HasTheSampleResponseShape()
    {
        using var sample = JsonDocument.Parse(RepoPaths.ReadSample("azure-customhandler-response-example.json"));
        var response = PortableHttpResponse.Error(404, "nope").WithHeader("X-Test", "1");

        using var written = JsonDocument.Parse(HttpPayload.WriteResponse(response, "res"));

        var root = written.RootElement;
        Assert.Equal(
            sample.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal),
            root.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var res = root.GetProperty("Outputs").GetProperty("res");
        Assert.Equal(JsonValueKind.String, sample.RootElement.GetProperty("Outputs").GetProperty("res").GetProperty("body").ValueKind);
        Assert.Equal(JsonValueKind.String, res.GetProperty("statusCode").ValueKind);
        Assert.Equal("404", res.GetProperty("statusCode").GetString());
        Assert.Equal("1", res.GetProperty("headers").GetProperty("X-Test").GetString());
        Assert.Equal("application/json; charset=utf-8", res.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Equal("""{"error":"nope"}""", res.GetProperty("body").GetString());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("Logs").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("ReturnValue").ValueKind);
    }

    [Fact]
    public void WriteResponse_EmptyBody_OmitsBody()
    {
        using var written = JsonDocument.Parse(HttpPayload.WriteResponse(PortableHttpResponse.Empty(204), "res"));

        var res = written.RootElement.GetProperty("Outputs").GetProperty("res");
        Assert.Equal("204", res.GetProperty("statusCode").GetString());
        Assert.False(res.TryGetProperty("body", out _));
    }

    [Fact]
    public void WriteResponse_NonUtf8Body_SendsBase64AndSaysSoInLogs()
    {
        var response = new PortableHttpResponse { StatusCode = 200, Body = new byte[] { 0xff, 0xfe, 0x00 } };

        using var written = JsonDocument.Parse(HttpPayload.WriteResponse(response, "res"));

        Assert.Equal("//4A", written.RootElement.GetProperty("Outputs").GetProperty("res").GetProperty("body").GetString());
        Assert.Contains("base64", written.RootElement.GetProperty("Logs")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void WriteResponse_RepeatedHeader_JoinsValues()
    {
        var headers = new HeaderMap.Builder().Add("Vary", "Accept").Add("Vary", "Origin").Build();

        using var written = JsonDocument.Parse(HttpPayload.WriteResponse(new PortableHttpResponse { StatusCode = 200, Headers = headers }, "res"));

        Assert.Equal("Accept, Origin", written.RootElement.GetProperty("Outputs").GetProperty("res").GetProperty("headers").GetProperty("Vary").GetString());
    }
}
