using Portable.Emulators.Azure;

namespace Portable.Emulators.Tests.Azure;

public class FunctionRouteTemplateTests
{
    [Theory]
    [InlineData("items", "/items", true)]
    [InlineData("items", "/ITEMS", true)]
    [InlineData("items", "/items/1", false)]
    [InlineData("items/{id}", "/items/42", true)]
    [InlineData("items/{id}", "/items", false)]
    [InlineData("items/{id?}", "/items", true)]
    [InlineData("items/{id?}", "/items/7", true)]
    [InlineData("items/{id?}", "/items/7/x", false)]
    [InlineData("items/{*rest}", "/items", true)]
    [InlineData("items/{*rest}", "/items/a/b/c", true)]
    [InlineData("items/{*rest}", "/other", false)]
    [InlineData("{*path}", "/", true)]
    [InlineData("{*path}", "/anything/at/all", true)]
    [InlineData("items/{id:int}", "/items/5", true)]
    public void TryMatch_Path_MatchesAsTheHostRouter(string template, string path, bool expected) =>
        Assert.Equal(expected, FunctionRouteTemplate.Parse(template).TryMatch(path, out _));

    [Fact]
    public void TryMatch_Parameters_CapturesDecodedValues()
    {
        Assert.True(FunctionRouteTemplate.Parse("orders/{id}/{*rest}").TryMatch("/orders/a%20b/x/y%2Fz", out var values));

        Assert.Equal("a b", values["id"]);
        Assert.Equal("x/y/z", values["rest"]);
    }

    [Fact]
    public void TryMatch_CatchAllOnNothing_CapturesEmpty()
    {
        Assert.True(FunctionRouteTemplate.Parse("items/{*rest}").TryMatch("/items", out var values));

        Assert.Equal(string.Empty, values["rest"]);
    }

    [Theory]
    [InlineData("a/{*rest}/b")]
    [InlineData("a/{x?}/b")]
    [InlineData("a{x}")]
    [InlineData("{}")]
    [InlineData("{x}/{X}")]
    public void Parse_MalformedTemplate_Throws(string template) =>
        Assert.Throws<FormatException>(() => FunctionRouteTemplate.Parse(template));

    [Theory]
    [InlineData("items/new", "items/{id}")]
    [InlineData("items/{id}", "items/{id?}")]
    [InlineData("items/{id?}", "items/{*rest}")]
    [InlineData("items", "items/{*rest}")]
    [InlineData("items/{*rest}", "{*path}")]
    public void ComparePrecedence_MoreSpecificFirst_Negative(string preferred, string other)
    {
        Assert.True(FunctionRouteTemplate.ComparePrecedence(FunctionRouteTemplate.Parse(preferred), FunctionRouteTemplate.Parse(other)) < 0);
        Assert.True(FunctionRouteTemplate.ComparePrecedence(FunctionRouteTemplate.Parse(other), FunctionRouteTemplate.Parse(preferred)) > 0);
    }
}
