using Portable.Core.App;
using Portable.Core.Http;
using Portable.Core.Patterns;

namespace Portable.Core.Tests.Http;

public sealed class HttpRouterTests
{
    private readonly HttpRouter _router = new(PatternsApp.Manifest);

    [Fact]
    public void Resolve_KnownRoute_ReturnsFunctionAndValues()
    {
        var match = _router.Resolve("PUT", "/items/42");
        Assert.Equal("items-api", match.Function?.Name);
        Assert.Equal("42", match.Values!["id"]);
    }

    [Fact]
    public void Resolve_WrongMethod_ListsAllowedMethods()
    {
        var match = _router.Resolve("PATCH", "/items/42");
        Assert.Null(match.Route);
        Assert.Equal(["DELETE", "GET", "PUT"], match.Allowed);
    }

    [Fact]
    public void Resolve_UnknownPath_AllowsNothing()
    {
        var match = _router.Resolve("GET", "/nowhere");
        Assert.Null(match.Route);
        Assert.Empty(match.Allowed);
    }
}
