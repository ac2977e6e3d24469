using Portable.Core.Functions;
using Portable.Core.Http;

namespace Portable.Core.Tests.Http;

public sealed class HttpRouterTests
{
    private static readonly HttpHandler Ok = (_, _, _) => ValueTask.FromResult(PortableHttpResponse.Empty(200));

    // Two small functions: "things" owns /things and /things/{id}, "others" owns /others/{key}.
    private readonly HttpRouter _router = new(new FunctionManifestBuilder()
        .AddHttp("things", r => r.Map("GET", "/things", Ok).Map("POST", "/things", Ok).Map("GET", "/things/{id}", Ok).Map("PUT", "/things/{id}", Ok).Map("DELETE", "/things/{id}", Ok))
        .AddHttp("others", r => r.Map("GET", "/others/{key}", Ok))
        .Build());

    [Fact]
    public void Resolve_KnownRoute_ReturnsFunctionAndValues()
    {
        var match = _router.Resolve("PUT", "/things/42");
        Assert.Equal("things", match.Function?.Name);
        Assert.Equal("42", match.Values!["id"]);
    }

    [Fact]
    public void Resolve_RouteOfAnotherFunction_FindsThatFunction()
    {
        var match = _router.Resolve("GET", "/others/k-1");
        Assert.Equal("others", match.Function?.Name);
        Assert.Equal("k-1", match.Values!["key"]);
    }

    [Fact]
    public void Resolve_WrongMethod_ListsAllowedMethods()
    {
        var match = _router.Resolve("PATCH", "/things/42");
        Assert.Null(match.Route);
        Assert.Equal(["DELETE", "GET", "PUT"], match.Allowed);
    }

    [Theory]
    [InlineData("/things/a%2Fb", "a/b")]
    [InlineData("/THINGS/a+b/", "a+b")]
    [InlineData("/things/caf%C3%A9", "café")]
    public void Resolve_EncodedPath_CapturesTheDecodedSegment(string path, string id)
    {
        var match = _router.Resolve("GET", path);
        Assert.Equal("things", match.Function?.Name);
        Assert.Equal(id, match.Values!["id"]);
    }

    [Fact]
    public void Resolve_UnknownPath_AllowsNothing()
    {
        var match = _router.Resolve("GET", "/nowhere");
        Assert.Null(match.Route);
        Assert.Empty(match.Allowed);
    }
}
