using Portable.Core.Http;

namespace Portable.Core.Tests.Http;

public sealed class HeaderMapTests
{
    [Fact]
    public void Indexer_AnyCase_FindsHeader()
    {
        var headers = HeaderMap.From([new("Content-Type", "application/json")]);
        Assert.Equal("application/json", headers["content-type"]);
        Assert.True(headers.Contains("CONTENT-TYPE"));
    }

    [Fact]
    public void From_RepeatedName_KeepsEveryValueInOrder()
    {
        var headers = HeaderMap.From([new("Set-Cookie", "a=1"), new("set-cookie", "b=2")]);
        Assert.Equal(["a=1", "b=2"], headers.GetValues("Set-Cookie"));
        Assert.Equal("a=1, b=2", headers["Set-Cookie"]);
        Assert.Equal(2, headers.Count());
    }

    [Fact]
    public void With_ExistingName_ReplacesValuesAndLeavesOriginal()
    {
        var original = HeaderMap.From([new("ETag", "\"1\"")]);
        var changed = original.With("etag", "\"2\"");
        Assert.Equal("\"2\"", changed["ETag"]);
        Assert.Equal("\"1\"", original["ETag"]);
    }

    [Fact]
    public void With_NewName_AddsItAndLeavesOriginal()
    {
        var original = HeaderMap.From([new("ETag", "\"1\"")]);
        var changed = original.With("Location", "/items/1");
        Assert.Equal(["ETag", "Location"], changed.Names);
        Assert.Equal(["ETag"], original.Names);
    }

    [Fact]
    public void Builder_ChangedAfterBuild_LeavesBuiltMapUnchanged()
    {
        var builder = new HeaderMap.Builder().Add("Vary", "Accept");
        var built = builder.Build();

        builder.Add("Vary", "Origin").Set("ETag", "\"2\"");
        var rebuilt = builder.Build();

        Assert.Equal(["Accept"], built.GetValues("Vary"));
        Assert.False(built.Contains("ETag"));
        Assert.Equal(["Accept", "Origin"], rebuilt.GetValues("Vary"));
        Assert.Equal("\"2\"", rebuilt["etag"]);
    }

    [Fact]
    public void ToBuilder_Changed_LeavesOriginalUnchanged()
    {
        var original = HeaderMap.From([new("Set-Cookie", "a=1"), new("ETag", "\"1\"")]);

        var changed = original.ToBuilder().Add("set-cookie", "b=2").Set("etag", "\"2\"").Build();

        Assert.Equal(["a=1"], original.GetValues("Set-Cookie"));
        Assert.Equal("\"1\"", original["ETag"]);
        Assert.Equal(["a=1", "b=2"], changed.GetValues("Set-Cookie"));
        Assert.Equal("\"2\"", changed["ETag"]);
    }

    [Fact]
    public void Builder_RepeatedNameInAnotherCase_KeepsFirstSpelling()
    {
        var headers = new HeaderMap.Builder().Add("X-Trace", "1").Add("x-trace", "2").Build();
        Assert.Equal(["X-Trace"], headers.Names);
        Assert.Equal(["1", "2"], headers.GetValues("X-TRACE"));
    }

    [Fact]
    public void Build_NothingAdded_ReturnsEmpty() =>
        Assert.Same(HeaderMap.Empty, new HeaderMap.Builder().Build());

    [Fact]
    public void QueryValues_Parse_DecodesAndKeepsRepeats()
    {
        var query = QueryValues.Parse("?a=1&b=x%20y&a=2&c&d=e+f");
        Assert.Equal(["1", "2"], query.GetValues("a"));
        Assert.Equal("x y", query["b"]);
        Assert.Equal(string.Empty, query["c"]);
        Assert.Equal("e f", query["d"]);
        Assert.Null(query["missing"]);
    }
}
