using System.Text;

namespace Portable.Testing.Tests.Http;

public sealed class HttpRequestBuilderTests
{
    [Fact]
    public void Build_PathAndQuery_AreSplitAndTheQueryKeptAsWritten()
    {
        var request = HttpRequestBuilder.Get("/items?limit=2&after=a%20b").Build();

        Assert.Equal("GET", request.Method);
        Assert.Equal("/items", request.Path);
        Assert.Equal("limit=2&after=a%20b", request.QueryString);
        Assert.Equal("a b", request.Query["after"]);
        Assert.True(request.Body.IsEmpty);
    }

    [Fact]
    public void WithQuery_AppendsEncoded()
    {
        var request = HttpRequestBuilder.Get("/items?limit=2").WithQuery("q", "a&b").Build();

        Assert.Equal("limit=2&q=a%26b", request.QueryString);
        Assert.Equal("a&b", request.Query["q"]);
    }

    [Fact]
    public void WithJson_SetsBodyAndContentType()
    {
        var request = HttpRequestBuilder.Post("/items").WithJson("""{"name":"a"}""").Build();

        Assert.Equal("application/json", request.ContentType);
        Assert.Equal("""{"name":"a"}""", Encoding.UTF8.GetString(request.Body.Span));
    }

    [Fact]
    public void WithHeader_Twice_KeepsBothValues()
    {
        var request = new HttpRequestBuilder("patch", "/a").WithHeader("Accept", "a").WithHeader("accept", "b").Build();

        Assert.Equal("PATCH", request.Method);
        Assert.Equal(["a", "b"], request.Headers.GetValues("Accept"));
    }

    [Fact]
    public void WithRouteValue_IsForAHandlerCalledDirectly()
    {
        var request = HttpRequestBuilder.Get("/items/42").WithRouteValue("id", "42").Build();

        Assert.Equal("42", request.RouteValues["id"]);
    }

    [Fact]
    public void Constructor_PathWithoutSlash_Throws() =>
        Assert.Throws<ArgumentException>(() => HttpRequestBuilder.Get("items"));
}
