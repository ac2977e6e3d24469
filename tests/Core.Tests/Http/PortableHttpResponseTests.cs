using System.Text.Json;
using Portable.Core.Http;
using Portable.Core.Json;

namespace Portable.Core.Tests.Http;

public sealed class PortableHttpResponseTests
{
    [Fact]
    public void Json_NoHeaders_CarriesOnlyJsonContentType()
    {
        var response = PortableHttpResponse.Json(200, new ErrorBody("x", null), CoreJsonContext.Default.ErrorBody);

        Assert.Equal(["Content-Type"], response.Headers.Names);
        Assert.Equal("application/json; charset=utf-8", response.Headers["content-type"]);
    }

    [Fact]
    public void Json_Builder_KeepsItsHeadersAndSetsContentType()
    {
        var headers = new HeaderMap.Builder().Add("ETag", "\"1\"").Add("Location", "/items/1").Add("Content-Type", "text/plain");

        var response = PortableHttpResponse.Json(201, new ErrorBody("x", null), CoreJsonContext.Default.ErrorBody, headers);

        Assert.Equal(201, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers["ETag"]);
        Assert.Equal("/items/1", response.Headers["Location"]);
        Assert.Equal(["application/json; charset=utf-8"], response.Headers.GetValues("Content-Type"));
    }

    [Fact]
    public void Json_HeaderMap_KeepsItsHeadersAndLeavesItUnchanged()
    {
        var headers = HeaderMap.From([new("Retry-After", "1")]);

        var response = PortableHttpResponse.Json(409, new ErrorBody("x", null), CoreJsonContext.Default.ErrorBody, headers);

        Assert.Equal("1", response.Headers["Retry-After"]);
        Assert.Equal("application/json; charset=utf-8", response.Headers["Content-Type"]);
        Assert.False(headers.Contains("Content-Type"));
    }

    [Fact]
    public void Error_Builder_WritesTheErrorShapeWithTheHeaders()
    {
        var response = PortableHttpResponse.Error(405, "Nope.", details: null, headers: new HeaderMap.Builder().Add("Allow", "GET, POST"));

        Assert.Equal("GET, POST", response.Headers["Allow"]);
        Assert.Equal("application/json; charset=utf-8", response.Headers["Content-Type"]);
        using var json = JsonDocument.Parse(response.Body);
        Assert.Equal("Nope.", json.RootElement.GetProperty("error").GetString());
        Assert.False(json.RootElement.TryGetProperty("details", out _));
    }

    [Fact]
    public void Error_Details_AreWrittenUnderDetails()
    {
        var response = PortableHttpResponse.Error(400, "Bad.", new Dictionary<string, string> { ["name"] = "required" });

        using var json = JsonDocument.Parse(response.Body);
        Assert.Equal("required", json.RootElement.GetProperty("details").GetProperty("name").GetString());
    }

    [Fact]
    public void WithHeader_AddsOneHeaderAndLeavesTheOriginal()
    {
        var original = PortableHttpResponse.Empty(204);

        var changed = original.WithHeader("X-Test", "1");

        Assert.Equal("1", changed.Headers["X-Test"]);
        Assert.False(original.Headers.Contains("X-Test"));
    }
}
