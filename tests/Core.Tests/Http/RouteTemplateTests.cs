using Portable.Core.Http;

namespace Portable.Core.Tests.Http;

public sealed class RouteTemplateTests
{
    [Theory]
    [InlineData("/items/{id}", "/items/abc", "abc")]
    [InlineData("/items/{id}", "/ITEMS/abc/", "abc")]
    [InlineData("items/{id}", "/items/a%20b", "a b")]
    [InlineData("/items/{id}", "/items/a+b", "a+b")]
    public void TryMatch_MatchingPath_CapturesDecodedValue(string template, string path, string expected)
    {
        Assert.True(RouteTemplate.Parse(template).TryMatch(path, out var values));
        Assert.Equal(expected, values["id"]);
    }

    [Theory]
    [InlineData("/items/{id}", "/items")]
    [InlineData("/items/{id}", "/items/a/b")]
    [InlineData("/items", "/other")]
    public void TryMatch_OtherPath_ReturnsFalse(string template, string path) =>
        Assert.False(RouteTemplate.Parse(template).TryMatch(path, out _));

    [Theory]
    [InlineData("/items/a%20b/", new[] { "items", "a b" })]
    [InlineData("//items//a+b", new[] { "items", "a+b" })]
    [InlineData("/items/a%2Fb", new[] { "items", "a/b" })]
    [InlineData("/caf%C3%A9/%zz", new[] { "café", "%zz" })]
    [InlineData("/", new string[0])]
    public void SplitPath_Path_DecodesEachSegmentAndDropsEmptyOnes(string path, string[] expected) =>
        Assert.Equal(expected, RouteTemplate.SplitPath(path));

    [Fact]
    public void TryMatch_Segments_MatchesLiteralsAnyCaseAndCapturesParameters()
    {
        var template = RouteTemplate.Parse("/v1/items/{id}/parts/{part}");

        Assert.True(template.TryMatch(["V1", "items", "a/b", "parts", "p 1"], out var values));
        Assert.Equal("a/b", values["id"]);
        Assert.Equal("p 1", values["PART"]);
        Assert.False(template.TryMatch(["v1", "items", "a", "other", "p"], out _));
        Assert.False(template.TryMatch(["v1", "items", "a", "parts"], out _));
    }

    [Fact]
    public void TryMatch_SegmentsOfLiteralTemplate_CapturesNothing()
    {
        Assert.True(RouteTemplate.Parse("/items").TryMatch(["items"], out var values));
        Assert.Empty(values);
    }

    [Theory]
    [InlineData("/items/{}")]
    [InlineData("/items/x{id}")]
    [InlineData("/items/{id}/{id}")]
    [InlineData("/items/{a-b}")]
    public void Parse_MalformedTemplate_Throws(string template) =>
        Assert.Throws<FormatException>(() => RouteTemplate.Parse(template));

    [Fact]
    public void LiteralPrefix_ParameterisedTemplate_ListsLeadingLiterals() =>
        Assert.Equal(["v1", "items"], RouteTemplate.Parse("/v1/items/{id}/parts").LiteralPrefix);
}
