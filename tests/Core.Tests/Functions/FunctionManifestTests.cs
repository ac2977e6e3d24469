using Portable.Core.Functions;
using Portable.Core.Http;

namespace Portable.Core.Tests.Functions;

public sealed class FunctionManifestTests
{
    private static ValueTask<PortableHttpResponse> Ok(PortableHttpRequest r, FunctionContext c, CancellationToken ct) =>
        ValueTask.FromResult(PortableHttpResponse.Empty(200));

    [Fact]
    public void Build_DuplicateName_Throws()
    {
        var builder = new FunctionManifestBuilder()
            .AddHttp("a", r => r.Map("GET", "/a", Ok))
            .AddHttp("a", r => r.Map("GET", "/b", Ok));
        var error = Assert.Throws<ArgumentException>(builder.Build);
        Assert.Contains("declared twice", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Items")]
    [InlineData("-items")]
    [InlineData("items_api")]
    [InlineData("")]
    public void AddHttp_NameNotValidOnEveryCloud_Throws(string name) =>
        Assert.ThrowsAny<ArgumentException>(() => new FunctionManifestBuilder().AddHttp(name, r => r.Map("GET", "/a", Ok)));

    [Fact]
    public void AddHttp_NoRoutes_Throws() =>
        Assert.Throws<ArgumentException>(() => new FunctionManifestBuilder().AddHttp("a", _ => { }));

    [Fact]
    public void Only_UnknownName_ThrowsNamingDeclaredFunctions()
    {
        var manifest = new FunctionManifestBuilder().AddHttp("a", r => r.Map("GET", "/a", Ok)).Build();
        var error = Assert.Throws<ArgumentException>(() => manifest.Only("b"));
        Assert.Contains("Declared: a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HttpTrigger_Methods_AreDistinctAndSorted()
    {
        var manifest = new FunctionManifestBuilder()
            .AddHttp("a", r => r.Map("post", "/a", Ok).Map("GET", "/a", Ok).Map("GET", "/a/{id}", Ok))
            .Build();
        Assert.Equal(["GET", "POST"], ((HttpTrigger)manifest.Functions[0].Trigger).Methods);
    }
}
